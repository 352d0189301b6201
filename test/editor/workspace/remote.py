"""Run elsewhere with python -m pdap --listen: the editor attaches to it with pathMappings."""
import os

where = os.path.dirname(os.path.abspath(__file__))
print("remote runs in", where)  # BP_REMOTE
print("remote done")
