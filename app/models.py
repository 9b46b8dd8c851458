"""Imports every model, so that Alembic and create_all (in tests) see the whole schema."""

from app.audit.models import AuditEvent  # noqa: F401
from app.auth.models import AccountSession, AccountToken, RecoveryCode, User  # noqa: F401
from app.compilations.models import Compilation, CompilationFile, DownloadRecord  # noqa: F401
from app.consultations.models import (  # noqa: F401
    Consultation,
    ConsultationDocument,
    ConsultationInvitationLink,
    ConsultationLanguage,
    ConsultationObjective,
    ConsultationStaff,
    DeadlineReminder,
    GuidingQuestion,
    Participation,
    Review,
)
from app.files.models import StoredFile  # noqa: F401
from app.jobs.models import JobRecord  # noqa: F401
from app.mail.models import OutboxMessage  # noqa: F401
from app.moderation.models import Flag  # noqa: F401
from app.notifications.models import Notification  # noqa: F401
from app.organizations.models import (  # noqa: F401
    Invitation,
    JoinRequest,
    Membership,
    Organization,
    OrganizationCountry,
    OrganizationLanguage,
)
from app.outcomes.models import OutcomeDocument, Uptake  # noqa: F401
from app.reading.models import PassageObjective, PassagePlace, PublishedPassage  # noqa: F401
from app.safeguarding.models import (  # noqa: F401
    InstanceFocalPoint,
    SafetyMessage,
    SafetyReport,
)
from app.sessions.models import (  # noqa: F401
    ConsultationSession,
    Contribution,
    SessionRegistration,
    SpeakingRequest,
)
from app.submission_translations.models import (  # noqa: F401
    ConsultationTranslator,
    TranslatedSection,
    Translation,
    TranslationRevision,
)
from app.submissions.models import (  # noqa: F401
    Attachment,
    Coauthor,
    CoauthorLink,
    Comment,
    EditingPresence,
    Endorsement,
    Revision,
    Section,
    SectionObjective,
    SignOff,
    Submission,
)
