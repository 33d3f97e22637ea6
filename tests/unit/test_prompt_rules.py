"""Pure prompt rules: tag normalisation, variables against content, field limits."""

import pytest
from pydantic import ValidationError

from promptvault.prompts.schemas import (
    MAX_TAG_LENGTH,
    MAX_TAGS,
    PromptCreate,
    PromptUpdate,
    VariableIn,
    variables_problem,
)

CONTENT = "Summarise the meeting notes about {{topic}} in five bullet points."


def _create(**overrides):
    body = {"title": "Summarise a meeting", "content": CONTENT, **overrides}
    if "variables" not in overrides:
        body["variables"] = [{"name": "topic"}]
    return PromptCreate.model_validate(body)


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        (["Meetings"], ["meetings"]),
        (["Machine Learning"], ["machine-learning"]),
        (["  spaced  out "], ["spaced-out"]),
        (["C++", "c"], ["c"]),
        (["Café"], ["cafe"]),
        (["a", "A", "a "], ["a"]),
        (["b", "a"], ["b", "a"]),
    ],
)
def test_tags_are_normalised_to_unique_slugs(given, stored):
    assert _create(tags=given).tags == stored


@pytest.mark.parametrize("tag", ["!!!", "   ", "---", ""])
def test_a_tag_without_letters_or_digits_is_refused(tag):
    with pytest.raises(ValidationError):
        _create(tags=[tag])


def test_at_most_five_tags_each_at_most_thirty_characters():
    assert len(_create(tags=[f"t{i}" for i in range(MAX_TAGS)]).tags) == MAX_TAGS
    assert _create(tags=["x" * MAX_TAG_LENGTH]).tags == ["x" * MAX_TAG_LENGTH]
    with pytest.raises(ValidationError):
        _create(tags=[f"t{i}" for i in range(MAX_TAGS + 1)])
    with pytest.raises(ValidationError):
        _create(tags=["x" * (MAX_TAG_LENGTH + 1)])


def test_variables_that_appear_in_the_content_fit():
    assert variables_problem([VariableIn(name="topic")], CONTENT) is None
    assert variables_problem([VariableIn(name="topic")], "About {{ topic }} please.") is None
    assert variables_problem([], CONTENT) is None


def test_a_variable_missing_from_the_content_is_named():
    problem = variables_problem([VariableIn(name="topic"), VariableIn(name="tone")], CONTENT)

    assert problem is not None
    assert "tone" in problem
    assert "topic" not in problem


def test_a_variable_name_is_matched_whole_not_as_a_prefix():
    assert variables_problem([VariableIn(name="top")], CONTENT) is not None


def test_duplicate_variable_names_are_a_problem():
    problem = variables_problem([VariableIn(name="topic"), VariableIn(name="topic")], CONTENT)

    assert problem == "variable names must be unique"


def test_create_refuses_variables_not_in_the_content():
    with pytest.raises(ValidationError, match="tone"):
        _create(variables=[{"name": "tone"}])


@pytest.mark.parametrize("name", ["1st", "has space", "dash-ed", "", "x" * 65, "{{x}}"])
def test_variable_names_are_identifiers(name):
    with pytest.raises(ValidationError):
        VariableIn(name=name)


@pytest.mark.parametrize(
    ("field", "ok", "too_far"),
    [
        ("title", ["x" * 5, "x" * 100], ["x" * 4, "x" * 101]),
        ("content", ["x" * 20, "x" * 10_000], ["x" * 19, "x" * 10_001]),
        ("description", ["", "x" * 500], ["x" * 501]),
    ],
)
def test_text_limits_hold_at_their_boundaries(field, ok, too_far):
    for value in ok:
        assert getattr(_create(variables=[], **{field: value}), field) == value
    for value in too_far:
        with pytest.raises(ValidationError):
            _create(variables=[], **{field: value})


@pytest.mark.parametrize("title", ["Résumé 履歴書 🚀", "Пример запроса", "مثال على ذلك"])
def test_unicode_titles_are_accepted(title):
    assert _create(title=title).title == title


@pytest.mark.parametrize("title", ["Bell\x07 ringer", "Null\x00 byte!", "Two\nlines", "Del\x7fete"])
def test_control_characters_and_newlines_in_titles_are_refused(title):
    with pytest.raises(ValidationError):
        _create(title=title)


def test_create_defaults_to_public_and_published():
    prompt = _create()

    assert (prompt.visibility, prompt.status) == ("public", "published")


def test_an_update_must_change_something_besides_the_message():
    with pytest.raises(ValidationError):
        PromptUpdate.model_validate({})
    with pytest.raises(ValidationError):
        PromptUpdate.model_validate({"changeMessage": "nothing"})
    assert PromptUpdate.model_validate({"visibility": "private"}).visibility == "private"


def test_unknown_fields_are_refused():
    with pytest.raises(ValidationError):
        PromptCreate.model_validate({"title": "Hello there", "content": CONTENT, "owner": "me"})
