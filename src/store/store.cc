#include "store/store.h"

#include <utility>

namespace fidelis::store {

namespace {
// Inputs read per call: enough to amortise the query, few enough to keep bodies' memory small.
constexpr std::size_t kInputsPage = 10'000;
}  // namespace

core::Status for_each_input_page(
    Store& store, const std::string& shop,
    const std::function<core::Status(std::vector<StoredInput>&&)>& visit) {
  for (std::int64_t after = 0;;) {
    FIDELIS_TRY(auto page, store.inputs(shop, after, kInputsPage));
    if (page.empty()) return core::Ok{};
    after = page.back().seq;
    FIDELIS_CHECK(visit(std::move(page)));
  }
}

core::Status for_each_input(Store& store, const std::string& shop,
                            const std::function<core::Status(const StoredInput&)>& visit) {
  return for_each_input_page(store, shop, [&](std::vector<StoredInput>&& page) -> core::Status {
    for (const StoredInput& input : page) FIDELIS_CHECK(visit(input));
    return core::Ok{};
  });
}

}  // namespace fidelis::store
