"""The benchmark's sections, one module each, over one harness; run.py runs them in order.

harness.py holds what every section shares and is the only module importing an importmock
internal; families.py holds FAMILIES, the table of job families sections 1 and 4 walk;
memory.py the walk that counts bytes held, floor_server.py section 6's canned server. Sections
import these, never each other; no module imports moto at its top, so that harness's botocore
session is made before moto adds its global hook.
"""
