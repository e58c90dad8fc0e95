"""Forms, one module per audience: `apply` (the candidate), `recruit` (the recruiter's
actions on applicants), `openings` (the job ad editor)."""
