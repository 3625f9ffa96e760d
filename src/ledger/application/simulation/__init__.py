"""What-if: commands run through the real handlers and rules against the program as it stood
at one position, in memory, and never saved; the program's derived figures before and after.

``snapshot`` is the program at a position (a batch's source that never writes), ``catalog``
names the commands a scenario may hold, ``figures`` derives what a board looks at from the
aggregates, ``differences`` compares two sets of figures, and ``whatif`` puts them together.
"""
