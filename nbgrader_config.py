"""nbgrader configuration of the course; every nbgrader command run from this folder reads it.

solutions/<unit>/  master notebooks (source)  ->  notebooks/<unit>/  student copies (release).
"""

c = get_config()  # noqa: F821 (provided by nbgrader when it loads this file)

c.CourseDirectory.course_id = "rnncourse"
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "notebooks"
c.CourseDirectory.db_url = "sqlite:///gradebook.db"

# Training cells take tens of seconds on a laptop; nbgrader's default of 30 s per cell is too tight.
c.Execute.timeout = 600

# A learner who deletes a graded cell gets it back (with its tests) when the work is autograded.
c.OverwriteCells.add_missing_cells = True

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
