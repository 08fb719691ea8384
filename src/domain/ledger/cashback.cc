#include "domain/ledger/cashback.h"

#include "core/assert.h"

namespace fidelis::domain {
namespace {

LedgerLine credit_line(core::Timestamp at, LineKind kind, std::int64_t credit, std::string event,
                       std::string rule, std::string order_id) {
  LedgerLine line;
  line.at = at;
  line.kind = kind;
  line.credit = credit;
  line.event = std::move(event);
  line.rule = std::move(rule);
  line.order_id = std::move(order_id);
  return line;
}

}  // namespace

void credit_cashback(LedgerWriter& writer, const Program& program, const Event& event,
                     OrderRecord& order, core::Timestamp available_at) {
  if (!program.cashback || !(order.currency == program.cashback->currency)) return;
  Wallet& wallet = writer.state().wallet;
  const std::string currency(program.cashback->currency.code_view());
  // One wallet, one currency: the first cashback's.
  if (!wallet.currency.empty() && wallet.currency != currency) return;
  const std::int64_t amount = static_cast<std::int64_t>(static_cast<Wide>(order.merchandise) *
                                                        program.cashback->basis_points / 10'000);
  if (amount <= 0) return;
  wallet.currency = currency;
  wallet.earned += amount;
  order.cashback = amount;
  const bool pending = available_at > event.occurred_at;
  if (pending) {
    wallet.pending.push_back({order.order_id, amount, available_at});
  } else {
    wallet.available += amount;
  }
  writer.emit(credit_line(event.occurred_at, pending ? LineKind::pending : LineKind::earn, amount,
                          event.id, "cashback.order", order.order_id));
}

void take_back_cashback(LedgerWriter& writer, const Event& event, std::string rule,
                        OrderRecord& order) {
  if (order.cashback == 0) return;
  std::int64_t target = order.cashback;
  if (!order.cancelled && !order.fully_refunded && order.merchandise > 0) {
    target = static_cast<std::int64_t>(static_cast<Wide>(order.cashback) *
                                       order.refunded_merchandise() / order.merchandise);
  }
  std::int64_t left = target - order.cashback_reversed;
  if (left <= 0) return;
  order.cashback_reversed = target;
  Wallet& wallet = writer.state().wallet;
  std::int64_t taken = 0;
  for (auto it = wallet.pending.begin(); it != wallet.pending.end() && left > 0; ++it) {
    if (it->order_id != order.order_id) continue;
    const std::int64_t take = std::min(left, it->amount);
    it->amount -= take;
    taken += take;
    left -= take;
    if (it->amount == 0) {
      wallet.pending.erase(it);
      break;
    }
  }
  const std::int64_t from_available = std::min(left, wallet.available);
  wallet.available -= from_available;
  taken += from_available;
  left -= from_available;
  wallet.reversed += taken;
  LedgerLine line = credit_line(event.occurred_at, LineKind::reverse, -taken, event.id,
                                std::move(rule), order.order_id);
  line.waived = left;  // already spent: not owed
  writer.emit(std::move(line));
}

std::optional<std::size_t> cashback_due(const MemberState& state, core::Timestamp until) {
  std::optional<std::size_t> best;
  const auto& pending = state.wallet.pending;
  for (std::size_t i = 0; i < pending.size(); ++i) {
    if (pending[i].available_at > until) continue;
    if (!best || pending[i].available_at < pending[*best].available_at) best = i;
  }
  return best;
}

void release_cashback(LedgerWriter& writer, std::size_t index) {
  Wallet& wallet = writer.state().wallet;
  FIDELIS_ASSERT(index < wallet.pending.size());
  const PendingCredit credit = wallet.pending[index];
  wallet.pending.erase(wallet.pending.begin() + static_cast<std::ptrdiff_t>(index));
  wallet.available += credit.amount;
  writer.emit(credit_line(credit.available_at, LineKind::release, credit.amount, "timer",
                          "cashback.release", credit.order_id));
}

void spend_credit(LedgerWriter& writer, const Event& event, std::int64_t amount, std::string rule,
                  std::string note) {
  Wallet& wallet = writer.state().wallet;
  FIDELIS_ASSERT(amount > 0 && amount <= wallet.available);
  wallet.available -= amount;
  wallet.spent += amount;
  LedgerLine line =
      credit_line(event.occurred_at, LineKind::spend, -amount, event.id, std::move(rule), "");
  line.note = std::move(note);
  writer.emit(std::move(line));
}

void return_credit(LedgerWriter& writer, std::int64_t amount, core::Timestamp at,
                   const std::string& event, std::string rule, std::string note) {
  Wallet& wallet = writer.state().wallet;
  wallet.available += amount;
  wallet.spent -= amount;
  LedgerLine line = credit_line(at, LineKind::returned, amount, event, std::move(rule), "");
  line.note = std::move(note);
  writer.emit(std::move(line));
}

}  // namespace fidelis::domain
