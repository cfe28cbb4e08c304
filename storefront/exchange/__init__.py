"""Exchange pages: the public receipt verification page and the printable receipt."""
