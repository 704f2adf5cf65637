"""Photo uploads: checked by content, EXIF stripped, served with safe headers."""
