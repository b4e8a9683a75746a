"""Flask front end (issue 4)."""
