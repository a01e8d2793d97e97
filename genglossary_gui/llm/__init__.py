"""Language-model engines (no Qt): protocol clients and structured output."""
