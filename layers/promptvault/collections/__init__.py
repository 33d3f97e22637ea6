"""Collections (issue 12): a person's named, ordered lists of prompts, public or private."""
