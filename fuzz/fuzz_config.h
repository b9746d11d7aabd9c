// A fixed, valid config for the fuzz targets that need one (commands, rule files): the
// spec's example (tests/config_cases/spec_example), loaded once. Aborts if it does not load.
#pragma once

#include "config/config.h"

namespace farmgate::fuzz {

const config::Config& example_config();

}  // namespace farmgate::fuzz
