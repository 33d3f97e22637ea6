from tests.support.api import call
from tests.support.factories import create_prompt, sign_up


def test_owner_can_create_edit_and_restore_a_prompt():
    owner = sign_up()
    prompt = create_prompt(owner)
    assert prompt["version"] == 1

    edited = call(
        "PATCH",
        f"/v1/prompts/{prompt['id']}",
        {
            "content": "Summarise the notes about {{topic}} in three bullet points.",
            "changeMessage": "shorter",
        },
        token=owner.token,
        headers={"If-Match": prompt["etag"]},
    )
    assert edited.status == 200, edited.body
    assert edited.data["version"] == 2

    restored = call("POST", f"/v1/prompts/{prompt['id']}/versions/1/restore", token=owner.token)
    assert restored.status == 201, restored.body
    assert restored.data["version"] == 3
    assert restored.data["content"] == prompt["content"]

    versions = call("GET", f"/v1/prompts/{prompt['id']}/versions", token=owner.token)
    assert [v["version"] for v in versions.data] == [3, 2, 1]
