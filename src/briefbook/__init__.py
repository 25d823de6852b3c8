"""briefbook: a YAML brief in, a typeset Simplified-Chinese briefing book (PDF) out.

Stages, each a package, data flowing one way:
corpus → metrics → brief → charts → render → checks; ``cli`` wires them to commands.
"""

__version__ = "0.1.0"
