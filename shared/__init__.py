"""Code the Lambda handlers share: models, domain logic, data access and privacy tools."""
