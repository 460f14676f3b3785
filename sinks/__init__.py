"""Where data leaves the pipeline: workbook templates, steward feedback, the warehouse, reports."""
