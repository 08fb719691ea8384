// Compact binary encoding of member states and order records (varints, length-prefixed strings,
// a format version first). Stores keep these as blobs: one row per member keeps writes few.
#pragma once

#include <string>
#include <string_view>

#include "core/result.h"
#include "domain/ledger/state.h"

namespace fidelis::store {

// Encoders write into `out` (cleared first), reusing its capacity.
void encode_member(const domain::MemberState& state, std::string& out);
core::Result<domain::MemberState> decode_member(std::string_view bytes);
void encode_order(const domain::OrderRecord& order, std::string& out);
core::Result<domain::OrderRecord> decode_order(std::string_view bytes);
// Ledger lots as text: "3:-20,5:-10".
std::string encode_lots(const std::vector<domain::LotTouch>& lots);
core::Result<std::vector<domain::LotTouch>> decode_lots(std::string_view text);

}  // namespace fidelis::store
