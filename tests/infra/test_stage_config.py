"""Stage configuration: cdk.json holds every stage, the typed object reads it strictly."""

import pytest

from infra.stages import STAGE_NAMES, load_stage

pytestmark = [pytest.mark.infra, pytest.mark.xdist_group("infra")]


@pytest.mark.parametrize("name", STAGE_NAMES)
def test_every_stage_is_configured_in_cdk_json(name):
    config = load_stage(name)

    assert config.name == name
    assert config.stack_name("Data") == f"PromptVault-{name}-Data"


def test_an_unknown_stage_is_refused_with_the_known_ones_listed():
    with pytest.raises(ValueError, match="dev, prod, staging"):
        load_stage("qa")


def test_only_prod_retains_data_and_dev_auto_confirms_sign_ups():
    dev, staging, prod = (load_stage(name) for name in STAGE_NAMES)

    assert (dev.retain_data, staging.retain_data, prod.retain_data) == (False, False, True)
    assert dev.auto_confirm_signup
    assert not prod.auto_confirm_signup


def test_prod_search_is_multi_az_with_dedicated_masters_and_dev_is_one_node():
    dev, prod = load_stage("dev"), load_stage("prod")

    assert (dev.search.instance_count, dev.search.dedicated_masters) == (1, False)
    assert (prod.search.availability_zones, prod.search.master_count) == (3, 3)
