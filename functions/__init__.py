"""One thin module per Lambda function: parse the event, call shared logic, shape the response."""
