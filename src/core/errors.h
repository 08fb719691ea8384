// The closed list of error codes. Each code names the rule that was broken; every code has an
// entry in docs/reference/errors.md (a test keeps the two in step).
#pragma once

#include <span>
#include <string_view>

namespace fidelis::core {

// X(code, "one-line description for docs/reference/errors.md")
#define FIDELIS_ERROR_CODES(X)                                                                     \
  X(json_malformed, "The text is not valid JSON.")                                                 \
  X(json_not_object, "A JSON object was expected.")                                                \
  X(field_missing, "A required field is absent.")                                                  \
  X(field_wrong_type, "A field has the wrong JSON type (e.g. a number where a string is due).")    \
  X(field_unknown, "A field is not part of the format (program files are strict).")                \
  X(value_not_allowed, "A field's value is not one of the allowed values.")                        \
  X(value_out_of_range, "A number is outside its allowed range.")                                  \
  X(string_length_invalid, "A string is empty or longer than allowed.")                            \
  X(id_invalid, "An id is empty, too long, or has characters outside printable ASCII.")            \
  X(timestamp_invalid, "A timestamp is not RFC 3339 with an offset, or is out of range.")          \
  X(money_invalid, "A money amount is not a decimal string in the currency's unit.")               \
  X(money_too_many_decimals, "A money amount has more decimals than the currency's minor unit.")   \
  X(money_out_of_range, "A money amount is too large.")                                            \
  X(currency_unknown, "The currency is not an ISO 4217 code Fidelis knows.")                       \
  X(quantity_must_be_positive, "A quantity must be a positive integer.")                           \
  X(points_must_be_positive, "A points figure must be a positive integer.")                        \
  X(points_must_not_be_zero, "An adjustment of zero points changes nothing and is refused.")       \
  X(event_type_unknown, "The event type is not known and does not start with custom.")             \
  X(order_lines_empty, "An order needs at least one line.")                                        \
  X(line_id_duplicate, "Two lines of one order share a line_id.")                                  \
  X(discount_exceeds_merchandise, "The order discount is larger than the sum of its lines.")       \
  X(order_already_placed, "An order with this order_id was already placed in this shop.")          \
  X(order_not_found, "No order with this order_id exists for this member.")                        \
  X(order_already_cancelled, "The order was cancelled; it cannot be refunded or cancelled again.") \
  X(order_already_refunded, "The order was refunded in full already.")                             \
  X(refund_shape_invalid,                                                                          \
    "A refund names either lines or an amount (or neither, for the whole order), not both.")       \
  X(refund_line_not_found, "A refunded line matches no line of the order.")                        \
  X(refund_quantity_exceeds_remaining,                                                             \
    "More units are refunded than remain unrefunded on the line.")                                 \
  X(refund_amount_exceeds_remaining,                                                               \
    "The refunded amount is larger than what remains refundable.")                                 \
  X(currency_mismatch, "The currency differs from the order's currency.")                          \
  X(currency_not_in_program, "The active program has no earning rate for this currency.")          \
  X(unit_cost_required, "The program earns on margin, so every line needs unit_cost.")             \
  X(insufficient_points, "The member's available points do not cover the amount.")                 \
  X(insufficient_credit, "The member's available store credit does not cover the reward.")         \
  X(event_type_internal,                                                                           \
    "The event type is written by Fidelis itself (reward.redeemed): redeem through the CLI or "    \
    "the API instead.")                                                                            \
  X(reward_not_found, "The program's catalogue has no reward with this id.")                       \
  X(reward_not_eligible, "The reward is reserved to a tier the member has not reached.")           \
  X(reward_out_of_stock, "Every unit of the reward's stock is taken by codes issued or used.")     \
  X(reward_limit_reached, "The member holds as many codes of this reward as the program allows.")  \
  X(code_invalid, "The text cannot be a redemption code (13 characters of Crockford base32).")     \
  X(code_not_found, "No redemption code like this one exists for this member or shop.")            \
  X(code_already_used, "The code was used already; a code is used once.")                          \
  X(code_cancelled, "The code was cancelled and its points given back.")                           \
  X(code_expired, "The code's validity has ended.")                                                \
  X(referral_not_flagged, "The member has no referral held for review, or it cannot be approved.") \
  X(membership_plan_unknown, "The program has no membership plan with this id.")                   \
  X(membership_not_active, "The member has no active membership to renew, cancel or expire.")      \
  X(fair_play_chance, "Fair play: a reward or rule names a game of chance (lottery, draw).")       \
  X(fair_play_credit, "Fair play: the program offers credit, a loan or interest.")                 \
  X(fair_play_terms_missing, "Fair play: a rule, reward or tier has no terms members can read.")   \
  X(fair_play_expiry_without_notice,                                                               \
    "Fair play: points expire without a notice period of at least 14 days.")                       \
  X(fair_play_devaluation_without_notice,                                                          \
    "Fair play: a new version lowers what earned points are worth without 30 days' notice.")       \
  X(fair_play_uncapped,                                                                            \
    "Fair play warning: a mechanic rewards buying or acting more without a cap.")                  \
  X(event_id_reused_with_other_body, "An event id was reused with a different body.")              \
  X(event_shop_mismatch, "The event names a shop other than the one it was sent to.")              \
  X(program_missing, "No program is active for the shop, so events cannot be applied.")            \
  X(member_not_found, "No member with this id exists in the shop.")                                \
  X(shop_exists, "A shop with this id exists already.")                                            \
  X(shop_not_found, "No shop with this id exists.")                                                \
  X(key_not_found, "No API key with this id exists in the shop.")                                  \
  X(unauthorized, "The request carries no valid API key (Authorization: Bearer KEY).")             \
  X(forbidden, "The API key's scope does not allow this request.")                                 \
  X(route_not_found, "No route matches the request's path.")                                       \
  X(method_not_allowed, "The route does not accept the request's method.")                         \
  X(body_too_large, "The request body is larger than the server accepts.")                         \
  X(idempotency_key_reused, "An Idempotency-Key was used before with another request.")            \
  X(rate_limited, "The API key made more requests than its rate allows; retry later.")             \
  X(unavailable, "The server is shutting down or its store failed; retry later.")                  \
  X(csv_invalid, "A CSV row or field cannot be read (wrong count, not a number, out of range).")   \
  X(csv_column_missing, "A column the layout needs is absent from the CSV header.")                \
  X(no_orders, "There is no order of an identified customer to analyse.")                          \
  X(model_params_invalid, "Model parameters are missing, not positive, or for another model.")     \
  X(model_fit_failed, "The model could not be fitted to the data (no optimum found).")             \
  X(usage, "The command line is not understood.")                                                  \
  X(io_error, "A file could not be read or written.")                                              \
  X(storage_error, "The database reported an error.")

enum class ErrorCode {
#define FIDELIS_ERROR_ENUM(code, doc) code,
  FIDELIS_ERROR_CODES(FIDELIS_ERROR_ENUM)
#undef FIDELIS_ERROR_ENUM
};

// The snake_case name of a code, as it appears in outputs and docs.
std::string_view error_code_name(ErrorCode code);
// The one-line description of a code.
std::string_view error_code_doc(ErrorCode code);
// Every code in declaration order.
std::span<const ErrorCode> all_error_codes();

}  // namespace fidelis::core
