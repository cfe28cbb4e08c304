"""The trainee's pages: courses, lessons, my learning, the certificate and its public verification."""
