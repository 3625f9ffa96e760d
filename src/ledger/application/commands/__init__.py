"""The command values, one module per resource; ``base`` says what a command is, ``fields``
and ``times`` are the strict types every field is made of."""
