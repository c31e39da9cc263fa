"""Request and response models (pydantic v2); they are also the OpenAPI document's schemas."""
