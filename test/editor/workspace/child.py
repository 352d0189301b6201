"""Started by app.py: debugged as its own session."""
word = "child"
print("hello from the child")  # BP_CHILD
