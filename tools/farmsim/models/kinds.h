// The model kinds a farmsim description file can name (`models: - kind: pond ...`), one file
// each. A factory reads its settings through `Params` (reporting every mistake) and returns
// the model; the registers it writes follow the shipped profile named in its file.
#pragma once

#include <memory>
#include <string>

#include "tools/farmsim/models/params.h"
#include "tools/farmsim/models/physics.h"

namespace farmsim::models {

std::unique_ptr<Physics> make_pond(Params& p);        // pond.cpp
std::unique_ptr<Physics> make_greenhouse(Params& p);  // greenhouse.cpp
std::unique_ptr<Physics> make_weather(Params& p);     // weather.cpp

}  // namespace farmsim::models
