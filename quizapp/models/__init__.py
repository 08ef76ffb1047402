"""The database holds people and progress; content lives in files."""
from .assignment import Assignment
from .base import MAX_ID, UTCDateTime, now_utc
from .concern import CLOSED, IN_PROGRESS, NEW, STATUSES, Concern, ConcernAudit, ConcernNote
from .link_code import ParentLinkCode
from .outbox import INVITE, RESET, OutboxMessage, UserToken
from .people import PARENT, PIN_LENGTH, PLATFORM_ADMIN, STAFF, ParentLink, Principal, Pupil, User, teacher_classes
from .progress import Answer, MisconceptionTally, ModuleProgress, OutcomeTally, QuestionTally, RevisitTally
from .school import YEAR_GROUPS, School, SchoolClass, band_for_year_group, year_group_label
from .signin import AuthSession, ClassSignIn
from .staff import SafeAdult, StaffAudit
from .throttle import ThrottleCount

__all__ = [
    "CLOSED", "IN_PROGRESS", "NEW", "STATUSES", "Answer", "Assignment", "Concern", "ConcernAudit", "ConcernNote", "MisconceptionTally", "ModuleProgress", "OutcomeTally", "QuestionTally", "RevisitTally", "ParentLinkCode", "AuthSession", "ClassSignIn", "ThrottleCount", "PARENT", "PIN_LENGTH", "PLATFORM_ADMIN", "ParentLink", "Principal", "Pupil",
    "STAFF", "School", "SchoolClass", "User", "MAX_ID", "UTCDateTime", "YEAR_GROUPS", "band_for_year_group", "now_utc",
    "teacher_classes", "year_group_label", "INVITE", "RESET", "OutboxMessage", "UserToken",
    "SafeAdult", "StaffAudit",
]
