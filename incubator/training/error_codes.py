from enum import Enum


class TrainingErrorCode(Enum):
    GRAPHQL_ERROR = "graphql_error"
    INVALID = "invalid"
    NOT_FOUND = "not_found"
    REQUIRED = "required"
    ALREADY_ENROLLED = "already_enrolled"
    NOT_ENROLLED = "not_enrolled"
    LESSON_OF_ANOTHER_COURSE = "lesson_of_another_course"
    COURSE_CLOSED = "course_closed"  # not published: nobody enrols
    NOT_COMPLETED = "not_completed"  # a certificate before every lesson is done
    CERTIFICATE_NOT_FOUND = "certificate_not_found"  # unknown number or wrong code: the same answer
    THROTTLED = "throttled"
    INVALID_URL = "invalid_url"
