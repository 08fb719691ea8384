// `fidelis reward redeem|validate|use|cancel`: a member's rewards and their codes from the
// command line. Each acts now (the wall clock) unless --at says when.
#include <cstdio>
#include <variant>

#include "cli/commands.h"
#include "core/digest.h"
#include "core/json_writer.h"
#include "domain/ledger/redemption.h"
#include "engine/engine.h"
#include "engine/views.h"

namespace fidelis::cli {
namespace {

constexpr const char* kRewardUsage =
    "usage: fidelis reward redeem MEMBER REWARD_ID | validate CODE | use CODE [--order ID] | "
    "cancel CODE [--reason TEXT]";

std::string optional_time_text(const std::optional<core::Timestamp>& at) {
  return at ? core::format_rfc3339(*at) : "no end";
}

int redeem(const Args& args, engine::Engine& engine, core::Timestamp now) {
  const std::string& member = args.words[2];
  const std::string& reward = args.words[3];
  auto redeemed = engine.redeem(args.shop(), member, reward, now);
  if (!redeemed.ok()) return report_errors(redeemed.errors());
  const domain::Redemption& r = redeemed->redemption;
  if (args.json()) {
    core::JsonWriter out;
    out.begin_object().key("member").value(member).key("event").value(redeemed->event_id);
    out.key("available_after").value(redeemed->available_after);
    out.key("redemption");
    engine::write_redemption_json(out, r);
    out.end_object();
    std::printf("%s\n", out.str().c_str());
  } else {
    std::printf(
        "code %s\n  %s (%s) for member %s, %lld points; valid until %s\n"
        "  %lld points left\n",
        r.code.c_str(), r.name.c_str(), r.reward.c_str(), member.c_str(),
        static_cast<long long>(r.points), optional_time_text(r.expires_at).c_str(),
        static_cast<long long>(redeemed->available_after));
  }
  return kExitOk;
}

// The code and its holder, or the exit code to return (code_not_found: 4).
std::variant<engine::Engine::FoundCode, int> find_code(const Args& args, engine::Engine& engine) {
  auto found = engine.find_code(args.shop(), args.words[2]);
  if (!found.ok()) return report_errors(found.errors());
  if (!*found) {
    return report_errors(
        {core::make_error(core::ErrorCode::code_not_found,
                          "no code " + args.words[2] + " in shop \"" + args.shop() + "\"")});
  }
  return std::move(**found);
}

int validate(const Args& args, engine::Engine& engine, core::Timestamp now) {
  auto looked_up = find_code(args, engine);
  if (const int* exit = std::get_if<int>(&looked_up)) return *exit;
  const auto& found = std::get<engine::Engine::FoundCode>(looked_up);
  const domain::Redemption& r = found.redemption;
  const auto problem = domain::code_unusable(r, now);
  if (args.json()) {
    core::JsonWriter out;
    out.begin_object().key("valid").value(!problem.has_value());
    out.key("member").value(found.member);
    if (problem) out.key("why_not").value(problem->message);
    out.key("redemption");
    engine::write_redemption_json(out, r);
    out.end_object();
    std::printf("%s\n", out.str().c_str());
  } else {
    std::printf("code %s: %s\n  member %s, %s (%s), valid until %s\n", r.code.c_str(),
                problem ? "NOT VALID" : "valid", found.member.c_str(), r.name.c_str(),
                r.reward.c_str(), optional_time_text(r.expires_at).c_str());
  }
  if (problem) {
    if (!args.json()) print_errors({*problem});
    return kExitRejected;
  }
  return kExitOk;
}

// Applies one reward.used or reward.cancelled event for the code's holder.
int act_on_code(const Args& args, engine::Engine& engine, core::Timestamp now) {
  const bool use = args.words[1] == "use";
  const std::string note = args.option(use ? "order" : "reason").value_or("");
  auto acted = engine.act_on_code(args.shop(), args.words[2], use, note, now);
  if (!acted.ok()) return report_errors(acted.errors());
  const domain::Redemption& r = acted->redemption;
  if (args.json()) {
    core::JsonWriter out;
    out.begin_object().key("member").value(acted->member);
    out.key("event").value(acted->event_id);
    out.key("available_after").value(acted->available_after);
    out.key("redemption");
    engine::write_redemption_json(out, r);
    out.end_object();
    std::printf("%s\n", out.str().c_str());
  } else if (use) {
    std::printf("code %s used%s\n", r.code.c_str(),
                r.order_id.empty() ? "" : (" on order " + r.order_id).c_str());
  } else {
    std::printf("code %s cancelled: %lld points given back to member %s (%lld available)\n",
                r.code.c_str(), static_cast<long long>(r.points), acted->member.c_str(),
                static_cast<long long>(acted->available_after));
  }
  return kExitOk;
}

}  // namespace

int run_reward(const Args& args) {
  const std::size_t words = args.words.size();
  const std::string verb = words > 1 ? args.words[1] : "";
  const bool shape_ok = (verb == "redeem" && words == 4) ||
                        ((verb == "validate" || verb == "use" || verb == "cancel") && words == 3);
  if (!shape_ok) {
    print_errors({core::make_error(core::ErrorCode::usage, kRewardUsage)});
    return kExitUsage;
  }
  const auto now = now_or_at(args);
  if (!now.ok()) return report_errors(now.errors());
  auto store = open_store(args);
  if (!store) return kExitStorage;
  engine::Engine engine(*store);
  if (verb == "redeem") return redeem(args, engine, *now);
  if (verb == "validate") return validate(args, engine, *now);
  return act_on_code(args, engine, *now);
}

}  // namespace fidelis::cli
