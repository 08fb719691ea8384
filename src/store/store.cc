#include "store/store.h"

namespace fidelis::store {

namespace {
// Inputs read per call: enough to amortise the query, few enough to keep bodies' memory small.
constexpr std::size_t kInputsPage = 10'000;
}  // namespace

core::Status for_each_input(Store& store, const std::string& shop,
                            const std::function<core::Status(const StoredInput&)>& visit) {
  for (std::int64_t after = 0;;) {
    FIDELIS_TRY(const auto page, store.inputs(shop, after, kInputsPage));
    if (page.empty()) return core::Ok{};
    for (const StoredInput& input : page) {
      after = input.seq;
      FIDELIS_CHECK(visit(input));
    }
  }
}

}  // namespace fidelis::store
