"""nbgrader configuration of the course; every nbgrader command run from this folder reads it.

solutions/<unit>/  master notebooks (source)  ->  notebooks/<unit>/  student copies (release).
Autograding runs nbgrader's own pipeline with rnncourse's steps added (rnncourse.course.grading):
normalised cells and a policy over the student's code before anything runs, each kernel in a
bubblewrap sandbox with time limits per cell, outputs trimmed, feedback without the answer key.
"""

import os
from pathlib import Path

from nbconvert.preprocessors import ClearMetadataPreprocessor, CSSHTMLHeaderPreprocessor
from nbgrader.preprocessors import (AssignLatePenalties, CheckCellMetadata, ClearHiddenTests, ClearOutput,
                                    DeduplicateIds, GetGrades, IgnorePattern, LimitOutput, OverwriteCells,
                                    OverwriteKernelspec, SaveAutoGrades)

from rnncourse.course.grading.collect import OwnerCheckedCollect
from rnncourse.course.grading.preprocessors import (EnforcePolicy, HidePaths, LimitOutputSize, NormaliseCells,
                                                    ReportPolicy, SkipDemonstrations)
from rnncourse.course.grading.sandbox import SandboxedExecute

c = get_config()  # noqa: F821 (provided by nbgrader when it loads this file)

c.CourseDirectory.course_id = "rnncourse"
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "notebooks"
c.CourseDirectory.db_url = "sqlite:///gradebook.db"

# The exchange (release_assignment -> fetch_assignment -> submit -> collect, and feedback back):
# a folder that the instructor and every student can reach. Default: exchange/ in this folder,
# for one machine and one user; on a shared server set RNNCOURSE_EXCHANGE for everyone.
EXCHANGE = Path(os.environ.get("RNNCOURSE_EXCHANGE", Path(__file__).resolve().parent / "exchange"))
EXCHANGE.mkdir(parents=True, exist_ok=True)   # nbgrader refuses to start without it
c.Exchange.root = str(EXCHANGE)
c.ExchangeFactory.collect = OwnerCheckedCollect   # refuses a submission written by another student

c.Autograde.sanitize_preprocessors = [ClearOutput, NormaliseCells, DeduplicateIds, OverwriteKernelspec,
                                      OverwriteCells, EnforcePolicy, SkipDemonstrations, CheckCellMetadata]
c.Autograde.autograde_preprocessors = [SandboxedExecute, ReportPolicy, IgnorePattern, ClearMetadataPreprocessor,
                                       LimitOutput, LimitOutputSize, SaveAutoGrades, AssignLatePenalties,
                                       CheckCellMetadata]
c.SandboxedExecute.answer_timeout = 20    # seconds for an answer or test cell: an endless loop costs little
c.SandboxedExecute.other_timeout = 300    # demos and training; every unit's slowest cell takes well under 60 s
c.GenerateFeedback.preprocessors = [ClearHiddenTests, HidePaths, GetGrades, CSSHTMLHeaderPreprocessor]

# Start-up lines that TensorFlow's C++ core writes to stderr on import; they are not errors.
# rnncourse.course.setup_notebook() already silences them; this is the safety net on autograde.
# nbgrader drops a stderr output only when every one of its lines is one of these.
HARMLESS_STDERR = [
    r"WARNING: All log messages before absl::InitializeLog\(\) is called are written to STDERR",
    r"[IWE]\d{4} [\d:.]+\s+\d+ \w+\.cc:\d+\] .*(cuda|GPU|oneDNN|cpu_feature_guard|CPU instructions).*",
    r"To enable the following instructions: .* in other operations, rebuild TensorFlow .*",
]
c.IgnorePattern.enabled = True
c.IgnorePattern.pattern = r"\A(?:(?:" + "|".join(HARMLESS_STDERR) + r")\n?)+\Z"
