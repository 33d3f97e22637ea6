"""What public prompts are about: tags and categories with their counts, and the tags rising
in a window, all kept by the counters consumer from the table's stream (issue 12)."""
