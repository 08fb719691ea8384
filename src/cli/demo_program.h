// The text of examples/programs/demo.json, built into the binary so that `fidelis demo`
// runs anywhere.
#pragma once

#include <string_view>

namespace fidelis::cli {
std::string_view demo_program_json();
}
