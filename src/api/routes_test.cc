// The OpenAPI document built into the server lists every route the router has, with its method.
#include <gtest/gtest.h>

#include <regex>

#include "api/openapi.h"
#include "api/routes.h"
#include "core/json_reader.h"

namespace fidelis::api {
namespace {

TEST(OpenApi, DocumentsEveryRoute) {
  core::JsonParser parser;
  auto document = parser.parse_object(openapi_json());
  ASSERT_TRUE(document.ok()) << document.error().message;
  simdjson::dom::object paths;
  ASSERT_EQ((*document)["paths"].get_object().get(paths), simdjson::SUCCESS);
  std::vector<std::string> documented;
  for (const auto path : paths) {
    // "/v1/members/{id}" -> "/v1/members/{}", as the router writes its patterns.
    const std::string pattern =
        std::regex_replace(std::string(path.key), std::regex("\\{[^}]*\\}"), "{}");
    simdjson::dom::object methods;
    ASSERT_EQ(path.value.get_object().get(methods), simdjson::SUCCESS);
    for (const auto method : methods) {
      std::string upper(method.key);
      for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      documented.push_back(upper + " " + pattern);
    }
  }
  for (const std::string& route : route_list()) {
    EXPECT_NE(std::find(documented.begin(), documented.end(), route), documented.end())
        << route << " is not in docs/reference/openapi.yaml";
  }
}

}  // namespace
}  // namespace fidelis::api
