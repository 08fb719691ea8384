// Member and ledger JSON views.
#include "engine/views.h"

#include "core/time.h"

namespace fidelis::engine {

void write_member_json(core::JsonWriter& out, const std::string& shop,
                       const domain::MemberState& state) {
  out.begin_object();
  out.key("member").value(state.member);
  out.key("shop").value(shop);
  out.key("points").begin_object();
  out.key("available").value(state.available());
  out.key("pending").value(state.pending());
  out.key("debt").value(state.debt);
  out.key("earned").value(state.earned);
  out.key("spent").value(state.spent);
  out.key("expired").value(state.expired);
  out.key("reversed").value(state.reversed);
  out.end_object();
  out.key("next_expiry");
  if (const auto next = state.next_expiry()) {
    out.begin_object().key("points").value(next->points);
    out.key("at").value(core::format_rfc3339(next->at)).end_object();
  } else {
    out.null();
  }
  out.key("badges").begin_array();
  for (const auto& badge : state.badges) {
    out.begin_object().key("id").value(badge.id);
    out.key("at").value(core::format_rfc3339(badge.at)).key("source").value(badge.source);
    out.end_object();
  }
  out.end_array();
  out.key("missions").begin_array();
  for (const auto& progress : state.missions) {
    out.begin_object().key("id").value(progress.mission).key("count").value(progress.count);
    out.key("completed").value(progress.completed).end_object();
  }
  out.end_array();
  out.key("codes").begin_array();
  for (const auto& redemption : state.redemptions) write_redemption_json(out, redemption);
  out.end_array();
  out.key("first_seen_at").value(core::format_rfc3339(state.first_seen_at));
  out.key("as_of").value(core::format_rfc3339(state.clock));
  out.end_object();
}

void write_redemption_json(core::JsonWriter& out, const domain::Redemption& redemption) {
  auto optional_time = [&out](const std::optional<core::Timestamp>& at) {
    if (at) {
      out.value(core::format_rfc3339(*at));
    } else {
      out.null();
    }
  };
  out.begin_object();
  out.key("code").value(redemption.code);
  out.key("reward").value(redemption.reward);
  out.key("name").value(redemption.name);
  out.key("points").value(redemption.points);
  out.key("status").value(domain::code_status_name(redemption.status));
  out.key("issued_at").value(core::format_rfc3339(redemption.issued_at));
  out.key("expires_at");
  optional_time(redemption.expires_at);
  if (redemption.status != domain::CodeStatus::issued) {
    out.key("closed_at").value(core::format_rfc3339(redemption.closed_at));
  }
  if (!redemption.order_id.empty()) out.key("order_id").value(redemption.order_id);
  out.key("benefit").begin_object();
  out.key("kind").value(domain::reward_kind_name(redemption.kind));
  if (redemption.amount) {
    out.key("amount").value(
        core::format_amount(redemption.amount->minor, redemption.amount->currency));
    out.key("currency").value(redemption.amount->currency.code_view());
  }
  if (redemption.percent > 0) out.key("percent").value(redemption.percent);
  switch (redemption.kind) {
    case domain::RewardKind::free_product:
      out.key("sku").value(redemption.target);
      break;
    case domain::RewardKind::partner:
      out.key("partner").value(redemption.target);
      break;
    case domain::RewardKind::donation:
      out.key("charity").value(redemption.target);
      break;
    default:
      break;
  }
  out.end_object();
  out.end_object();
}

void write_ledger_line_json(core::JsonWriter& out, const domain::LedgerLine& line,
                            std::string_view locale) {
  out.begin_object();
  out.key("seq").value(static_cast<std::uint64_t>(line.seq));
  out.key("at").value(core::format_rfc3339(line.at));
  out.key("kind").value(domain::line_kind_name(line.kind));
  out.key("points").value(line.points);
  out.key("event").value(line.event);
  out.key("rule").value(line.rule);
  out.key("lots").begin_array();
  for (const auto& touch : line.lots) {
    out.begin_object().key("lot").value(std::uint64_t{touch.lot});
    out.key("points").value(touch.points).end_object();
  }
  out.end_array();
  if (!line.order_id.empty()) out.key("order_id").value(line.order_id);
  if (!line.note.empty()) out.key("note").value(line.note);
  if (line.waived != 0) out.key("waived").value(line.waived);
  out.key("reason").value(domain::reason_sentence(line, locale));
  out.key("balance").begin_object();
  out.key("available").value(line.available_after);
  out.key("pending").value(line.pending_after);
  out.key("debt").value(line.debt_after);
  out.end_object();
  out.end_object();
}

}  // namespace fidelis::engine
