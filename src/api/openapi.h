// The OpenAPI document (docs/reference/openapi.yaml), built into the binary.
#pragma once

#include <string_view>

namespace fidelis::api {
std::string_view openapi_json();
}  // namespace fidelis::api
