"""Topics (议题/诉求), their live discussion, moderation and stakeholders (进院解题)."""
