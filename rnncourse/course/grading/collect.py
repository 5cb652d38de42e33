"""``nbgrader collect`` that refuses forged submissions (set in nbgrader_config.py).

In a shared exchange anyone may write into the inbound folder, and a student can name a
submission after another (``--student``, or ``CourseDirectory.student_id`` in their own
config); nbgrader's collect only warns. The folder's owner is the system user who really wrote
it: a submission is collected only when that user is the student it names, or the user running
collect (one account standing in for a whole class, as on a laptop or in the tests).
"""

import os
import pwd

from nbgrader.exchange.default.collect import ExchangeCollect


def _owner(path):
    try:
        return pwd.getpwuid(os.stat(path).st_uid).pw_name
    except KeyError:           # a uid with no name in the password database
        return None


class OwnerCheckedCollect(ExchangeCollect):
    """nbgrader's collect, keeping only submissions written by the student they name."""

    def _path_to_record(self, path):
        record = super()._path_to_record(path)
        record["owner"] = _owner(path)
        if not self._genuine(record):
            self.log.error("Refused %s: it claims to be %s's submission but %s wrote it",
                           record["filename"], record["username"], record["owner"])
        return record

    @staticmethod
    def _genuine(record):
        return record["owner"] in (record["username"], pwd.getpwuid(os.getuid()).pw_name)

    def _sort_by_timestamp(self, records):      # newest first, but a student's genuine ones before any forged
        genuine = [r for r in records if self._genuine(r)]
        return super()._sort_by_timestamp(genuine) + [r for r in records if r not in genuine]

    def init_src(self):                           # nbgrader picks one record per student; drop forged picks
        super().init_src()
        self.src_records = [r for r in self.src_records if self._genuine(r)]
