"""Identity: users, passwords, sessions, API tokens, registration."""
