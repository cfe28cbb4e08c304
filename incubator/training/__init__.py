"""E-commerce training of the incubator: courses, lessons, mentors, enrolment, progress and a
verifiable completion certificate; a trainee's path on to a shop is read from the marketplace."""
