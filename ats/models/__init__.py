"""The models of ats, one module per aggregate, re-exported here: `from ats.models import
Application` and every migration name what they always did (the layout of Zulip's
zerver/models/). Cross-module foreign keys name their model as a string ("ats.Opening").

- enums.py: choices shared across modules (Stage, DeletionReason, ApiScope, WebhookEvent)
- openings.py: Opening, its hiring team, screening questions and criteria; ad templates
- pipelines.py: PipelineStage, the stages an opening's team names within the fixed kinds
- applications.py: Application, its querysets (live, due, held, undated) and what is held
  with it (stage history, notes, screening answers, scores, merit requests)
- interviews.py: Interview, InterviewSlot
- privacy.py: the notice, tombstones, purge claims, ledger head, access log,
  privacy requests
- counts.py: StageCount, DueCount (kept by triggers)
- messages.py: email templates, rejection reasons and the outboxes
- conversations.py: Message, between the hiring team and a candidate
- tags.py: Tag, the employer's, and ApplicationTag, a tag set on an application
- integrations.py: API keys, idempotent requests, webhook subscriptions and deliveries
- leases.py: Lease (one worker at a time)
- reports.py: ArrivalCount, ReportCount (what the reports count, kept past deletion)
- careers.py: CareersSite, its sections, departments, places and pictures
- todo.py: StaffTodo (the recruiter home's visits and the daily digest's choice)
- fields.py: the foreign keys many models share, each with its rule: a row held with an
  application, the staff user who did something
"""

from .applications import DEPENDENTS as DEPENDENTS
from .applications import Application as Application
from .applications import ApplicationQuerySet as ApplicationQuerySet
from .applications import ApplicationText as ApplicationText
from .applications import MeritRequest as MeritRequest
from .applications import Note as Note
from .applications import Score as Score
from .applications import ScreeningAnswer as ScreeningAnswer
from .applications import StageChange as StageChange
from .applications import before_its_date as before_its_date
from .applications import new_link_key as new_link_key
from .applications import on_hold as on_hold
from .applications import past_its_date as past_its_date
from .careers import CareersImage as CareersImage
from .careers import CareersSection as CareersSection
from .careers import CareersSite as CareersSite
from .careers import Department as Department
from .careers import Place as Place
from .conversations import Message as Message
from .counts import DueCount as DueCount
from .counts import StageCount as StageCount
from .enums import ApiScope as ApiScope
from .enums import DeletionReason as DeletionReason
from .enums import Stage as Stage
from .enums import WebhookEvent as WebhookEvent
from .integrations import ApiKey as ApiKey
from .integrations import IdempotentRequest as IdempotentRequest
from .integrations import WebhookDelivery as WebhookDelivery
from .integrations import WebhookSubscription as WebhookSubscription
from .interviews import Interview as Interview
from .interviews import InterviewSlot as InterviewSlot
from .leases import Lease as Lease
from .messages import CandidateEmail as CandidateEmail
from .messages import EmailTemplate as EmailTemplate
from .messages import ErasureReceipt as ErasureReceipt
from .messages import LinkRequest as LinkRequest
from .messages import NoticeChangeEmail as NoticeChangeEmail
from .messages import OutboxEmail as OutboxEmail
from .messages import RejectionReason as RejectionReason
from .messages import StaffEmail as StaffEmail
from .openings import DECIDING_ROLES as DECIDING_ROLES
from .openings import INTERVIEW_STAGES as INTERVIEW_STAGES
from .openings import SCORING_STAGES as SCORING_STAGES
from .openings import AdTemplate as AdTemplate
from .openings import Criterion as Criterion
from .openings import HiringTeamMember as HiringTeamMember
from .openings import Opening as Opening
from .openings import OpeningQuerySet as OpeningQuerySet
from .openings import ScreeningQuestion as ScreeningQuestion
from .pipelines import PipelineStage as PipelineStage
from .pipelines import in_pipeline_order as in_pipeline_order
from .pipelines import owned_by as owned_by
from .privacy import AccessEvent as AccessEvent
from .privacy import DeletionRecord as DeletionRecord
from .privacy import LedgerHead as LedgerHead
from .privacy import PrivacyNotice as PrivacyNotice
from .privacy import PrivacyNoticeQuerySet as PrivacyNoticeQuerySet
from .privacy import PrivacyRequest as PrivacyRequest
from .privacy import PrivacyRequestItem as PrivacyRequestItem
from .privacy import PurgeClaim as PurgeClaim
from .reports import ArrivalCount as ArrivalCount
from .reports import ReportCount as ReportCount
from .tags import ApplicationTag as ApplicationTag
from .tags import Tag as Tag
from .todo import StaffTodo as StaffTodo
