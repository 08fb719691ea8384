// render_rules_page(): the program as sections of plain sentences, then written as Markdown or
// HTML. Every sentence is generated from a field that the engine applies; the merchant's own
// words appear only as the `terms` of each rule, next to the generated facts.
#include "domain/program/rules_page.h"

#include "core/html.h"

#include <string_view>
#include <vector>

namespace fidelis::domain {
namespace {

struct Section {
  std::string title;
  std::vector<std::string> items;
};

class Text {
 public:
  explicit Text(PageLanguage language) : fr_(language == PageLanguage::fr) {}
  // The English or the French sentence.
  std::string operator()(std::string en, std::string fr) const { return fr_ ? fr : en; }
  bool fr() const { return fr_; }

  std::string points(std::int64_t n) const {
    return std::to_string(n) + (n == 1 || (fr_ && n == 0) ? " point" : " points");
  }
  std::string days(std::int64_t n) const {
    return std::to_string(n) + (fr_ ? (n == 1 ? " jour" : " jours") : (n == 1 ? " day" : " days"));
  }
  std::string months(std::int64_t n) const {
    return std::to_string(n) + (fr_ ? " mois" : (n == 1 ? " month" : " months"));
  }

 private:
  bool fr_;
};

// A fixed-point number without trailing zeros: 1'500'000 with 6 decimals -> "1.5" (English) or
// "1,5" (French).
std::string decimal_text(std::int64_t scaled, int decimals, const Text& t) {
  std::string text = core::format_amount(scaled, core::Currency{{'X', 'X', 'X', 0}, decimals});
  while (!text.empty() && text.back() == '0') text.pop_back();
  if (!text.empty() && text.back() == '.') text.pop_back();
  if (t.fr()) {
    for (char& c : text) c = c == '.' ? ',' : c;
  }
  return text;
}

std::string multiplier_text(std::int64_t scaled, const Text& t) {
  return decimal_text(scaled, 6, t);
}

Section earning_section(const Program& program, const Text& t) {
  Section section{t("Earning points on purchases", "Gagner des points sur vos achats"), {}};
  const Earning& earning = program.earning;
  for (const auto& rate : earning.rates) {
    const std::string per = rate.currency == "*" ? rate.per + t(" of the order's currency",
                                                                " de la devise de la commande")
                                                 : rate.per + " " + rate.currency;
    section.items.push_back(t("You earn ", "Vous gagnez ") + t.points(rate.points) +
                            t(" for every ", " pour chaque tranche de ") + per +
                            t(" spent.", " dépensée."));
  }
  section.items.push_back(
      earning.base == EarnBase::margin
          ? t("Points are counted on the shop's margin on each item (price minus cost), after "
              "discounts.",
              "Les points sont calculés sur la marge de la boutique sur chaque article (prix moins "
              "coût), après remises.")
          : t("Points are counted on the price of the items after discounts.",
              "Les points sont calculés sur le prix des articles après remises."));
  section.items.push_back(
      std::string(
          earning.include_shipping
              ? t("Shipping earns points.", "Les frais de port rapportent des points.")
              : t("Shipping earns no points.", "Les frais de port ne rapportent pas de points.")) +
      " " +
      (earning.include_tax ? t("Taxes earn points.", "Les taxes rapportent des points.")
                           : t("Taxes earn no points.", "Les taxes ne rapportent pas de points.")));
  switch (earning.rounding) {
    case Rounding::down:
      section.items.push_back(
          t("Points are rounded down, once per order.",
            "Les points sont arrondis à l'unité inférieure, une fois par commande."));
      break;
    case Rounding::nearest:
      section.items.push_back(
          t("Points are rounded to the nearest whole point, once per order.",
            "Les points sont arrondis à l'unité la plus proche, une fois par commande."));
      break;
    case Rounding::up:
      section.items.push_back(
          t("Points are rounded up, once per order.",
            "Les points sont arrondis à l'unité supérieure, une fois par commande."));
      break;
  }
  for (const auto& [category, scaled] : earning.category_multipliers) {
    section.items.push_back(t("Items of the category ", "Les articles de la catégorie ") +
                            category + t(" earn ×", " rapportent ×") + multiplier_text(scaled, t) +
                            t(" the points.", " les points."));
  }
  for (const auto& [sku, scaled] : earning.sku_multipliers) {
    section.items.push_back(t("The product ", "Le produit ") + sku + t(" earns ×", " rapporte ×") +
                            multiplier_text(scaled, t) + t(" the points.", " les points."));
  }
  if (earning.cap_per_day) {
    section.items.push_back(
        t("At most ", "Au plus ") + t.points(*earning.cap_per_day) +
        t(" per day from purchases (UTC days).", " par jour grâce aux achats (jours UTC)."));
  }
  if (earning.cap_per_month) {
    section.items.push_back(
        t("At most ", "Au plus ") + t.points(*earning.cap_per_month) +
        t(" per calendar month from purchases.", " par mois calendaire grâce aux achats."));
  }
  return section;
}

Section returns_section(const Program& program, const Text& t) {
  Section section{t("Returns and cancellations", "Retours et annulations"), {}};
  if (program.pending_days > 0) {
    section.items.push_back(
        t("Points from an order become available ",
          "Les points d'une commande deviennent disponibles ") +
        t.days(program.pending_days) +
        t(" after the order (the return window); until then they are pending.",
          " après la commande (le délai de retour) ; d'ici là, ils sont en attente."));
  } else {
    section.items.push_back(t("Points from an order are available at once.",
                              "Les points d'une commande sont disponibles immédiatement."));
  }
  section.items.push_back(
      t("If an order is cancelled or items are returned, the points they earned "
        "are taken back, exactly as they were earned.",
        "Si une commande est annulée ou des articles retournés, les points "
        "qu'ils ont rapportés sont retirés, exactement comme ils ont été gagnés."));
  section.items.push_back(
      program.shortfall == Shortfall::debt
          ? t("If those points were already used, the missing points are deducted from the next "
              "points you earn.",
              "Si ces points ont déjà été utilisés, les points manquants sont déduits de vos "
              "prochains gains.")
          : t("If those points were already used, only what is on your balance is taken back.",
              "Si ces points ont déjà été utilisés, seul ce qui reste sur votre solde est "
              "retiré."));
  return section;
}

Section expiry_section(const Program& program, const Text& t) {
  Section section{t("Expiry", "Expiration"), {}};
  const Expiry& expiry = program.expiry;
  switch (expiry.mode) {
    case ExpiryMode::none:
      section.items.push_back(t("Your points do not expire.", "Vos points n'expirent pas."));
      break;
    case ExpiryMode::lot: {
      const std::string lifetime =
          expiry.after_days > 0 ? t.days(expiry.after_days) : t.months(expiry.after_months);
      section.items.push_back(t("Points expire ", "Les points expirent ") + lifetime +
                              t(" after they become available", " après être devenus disponibles") +
                              (expiry.round_to_month_end
                                   ? t(", at the end of that month.", ", à la fin de ce mois-là.")
                                   : std::string(".")));
      section.items.push_back(t("When you use points, those closest to expiry go first.",
                                "Quand vous utilisez des points, ceux qui expirent le plus tôt "
                                "partent en premier."));
      break;
    }
    case ExpiryMode::inactivity: {
      std::string activity;
      for (const auto& type : expiry.activity) activity += (activity.empty() ? "" : ", ") + type;
      section.items.push_back(t("Your points expire if you have no activity for ",
                                "Vos points expirent si vous n'avez aucune activité pendant ") +
                              t.months(expiry.after_months) + t(" (activity: ", " (activité : ") +
                              activity + ").");
      break;
    }
  }
  if (expiry.mode != ExpiryMode::none && expiry.notice_days) {
    section.items.push_back(
        t("We tell you ", "Nous vous prévenons ") + t.days(*expiry.notice_days) +
        t(" before any of your points expire.", " avant que vos points n'expirent."));
  }
  return section;
}

// What a member does for an action rule or a mission counting event type `on`.
std::string action_label(const std::string& on, const std::string& network, const Text& t) {
  if (on == "member.enrolled") return t("joining", "votre inscription");
  if (on == "review.posted") return t("a review", "un avis");
  if (on == "social.followed") {
    return network.empty() ? t("following us", "nous suivre")
                           : t("following us on ", "nous suivre sur ") + network;
  }
  if (on == "profile.completed") return t("completing your profile", "compléter votre profil");
  if (on == "survey.answered") return t("answering a survey", "répondre à une enquête");
  return on;
}

Section actions_section(const Program& program, const Text& t) {
  Section section{t("Other ways to earn", "Autres façons de gagner des points"), {}};
  for (const auto& rule : program.actions) {
    std::string item = rule.terms + " — " + t.points(rule.points) + t(" for ", " pour ") +
                       action_label(rule.on, rule.network, t);
    if (rule.photo_bonus > 0) {
      item +=
          ", " + t.points(rule.photo_bonus) + t(" more with a photo", " de plus avec une photo");
    }
    if (!rule.repeat) {
      item += t(", once", ", une seule fois");
    } else {
      if (rule.cooldown_days > 0)
        item +=
            t(", at most once every ", ", au plus une fois tous les ") + t.days(rule.cooldown_days);
      if (rule.per_month)
        item += t(", at most ", ", au plus ") + std::to_string(*rule.per_month) +
                t(" times a month", " fois par mois");
      if (rule.max_per_member)
        item += t(", at most ", ", au plus ") + std::to_string(*rule.max_per_member) +
                t(" times in all", " fois au total");
    }
    if (rule.from) item += t(", from ", ", à partir du ") + core::format_rfc3339(*rule.from);
    if (rule.until)
      item += t(", until ", ", jusqu'au ") + core::format_rfc3339(*rule.until) +
              t(" (excluded)", " (exclu)");
    item += t(". Available at once.", ". Disponibles immédiatement.");
    section.items.push_back(std::move(item));
  }
  return section;
}

Section missions_section(const Program& program, const Text& t) {
  Section section{t("Missions", "Missions"), {}};
  for (const auto& mission : program.missions) {
    std::string item = mission.terms + " — " + t("goal: ", "objectif : ") +
                       std::to_string(mission.target) + " × " +
                       action_label(mission.on, mission.network, t);
    if (mission.monthly) item += t(", every calendar month", ", chaque mois calendaire");
    if (mission.from) item += t(", from ", ", à partir du ") + core::format_rfc3339(*mission.from);
    if (mission.until) {
      item += t(", until ", ", jusqu'au ") + core::format_rfc3339(*mission.until) +
              t(" (excluded)", " (exclu)");
    }
    item += t(": ", " : ");
    if (mission.points > 0) item += t.points(mission.points);
    if (mission.points > 0 && !mission.badge.empty()) item += t(" and ", " et ");
    if (!mission.badge.empty()) item += t("the badge ", "le badge ") + mission.badge;
    item += ".";
    section.items.push_back(std::move(item));
  }
  return section;
}

std::string threshold_text(const Tiers& tiers, std::int64_t threshold, const Text& t) {
  switch (tiers.measure) {
    case TierMeasure::spend:
      return core::format_amount(threshold, *tiers.currency) + " " +
             std::string(tiers.currency->code_view());
    case TierMeasure::points:
      return t.points(threshold);
    case TierMeasure::orders:
      return std::to_string(threshold) + t(" orders", " commandes");
    case TierMeasure::value_score:
      return t("a score of ", "un score de ") + std::to_string(threshold);
  }
  return "";
}

std::string period_text(Period period, const Text& t) {
  switch (period) {
    case Period::month:
      return t("month", "mois");
    case Period::quarter:
      return t("quarter", "trimestre");
    case Period::year:
      return t("year", "année");
  }
  return "";
}

// The tiers: how they are measured and reviewed, then each level members may see (secret levels
// are left out, as the contract says).
Section tiers_section(const Tiers& tiers, const Text& t) {
  Section section{t("Tiers", "Niveaux"), {}};
  std::string measure;
  switch (tiers.measure) {
    case TierMeasure::spend:
      measure = t("your spend in ", "vos achats en ") + std::string(tiers.currency->code_view()) +
                t(" (after discounts, less refunds)", " (après remises, moins les remboursements)");
      break;
    case TierMeasure::points:
      measure = t("the points you earn", "les points que vous gagnez");
      break;
    case TierMeasure::orders:
      measure = t("the number of your orders (less those cancelled or refunded in full)",
                  "le nombre de vos commandes (moins celles annulées ou remboursées en entier)");
      break;
    case TierMeasure::value_score: {
      const ValueScore& v = tiers.value_score;
      measure =
          t("a value score from 0 to 100 weighing ", "un score de valeur de 0 à 100 qui pèse ");
      std::vector<std::string> parts;
      if (v.spend > 0) parts.push_back(t("spend ", "les achats ") + std::to_string(v.spend));
      if (v.margin > 0) parts.push_back(t("margin ", "la marge ") + std::to_string(v.margin));
      if (v.regularity > 0)
        parts.push_back(t("regular purchases ", "la régularité ") + std::to_string(v.regularity));
      if (v.satisfaction > 0)
        parts.push_back(t("satisfaction in surveys ", "la satisfaction aux enquêtes ") +
                        std::to_string(v.satisfaction));
      if (v.returns > 0)
        parts.push_back(t("few returns ", "le peu de retours ") + std::to_string(v.returns));
      for (std::size_t i = 0; i < parts.size(); ++i) measure += (i > 0 ? ", " : "") + parts[i];
      break;
    }
  }
  const std::string window =
      tiers.calendar ? t("in the current calendar ", "sur le ") + period_text(*tiers.calendar, t) +
                           t("", " calendaire en cours")
                     : t("over the last " + t.months(tiers.window_months) + ", this month included",
                         "sur les " + std::to_string(tiers.window_months) +
                             " derniers mois, mois en cours compris");
  section.items.push_back(t("Your tier is set by ", "Votre niveau dépend de ") + measure + " " +
                          window + ".");
  std::string review = t("You move up as soon as you qualify. Tiers are reviewed at the start of "
                         "every ",
                         "Vous montez dès que vous y avez droit. Les niveaux sont revus au début "
                         "de chaque ") +
                       period_text(tiers.review, t) +
                       t("; if you no longer qualify, ", " ; si vous n'y avez plus droit, ");
  if (tiers.grace_days > 0) {
    review += t("you keep your tier for " + std::to_string(tiers.grace_days) + " more days, then ",
                "vous gardez votre niveau " + t.days(tiers.grace_days) + " de plus, puis ");
  }
  review += tiers.downgrade == Downgrade::one_step
                ? t("you move down one tier.", "vous descendez d'un niveau.")
                : t("you move to the tier you qualify for.",
                    "vous passez au niveau auquel vous avez droit.");
  section.items.push_back(review);
  for (const auto& level : tiers.levels) {
    if (level.secret) continue;
    std::string item =
        level.name + t(": from ", " : à partir de ") + threshold_text(tiers, level.threshold, t);
    if (level.earn_multiplier != kMultiplierScale) {
      item += t("; points on orders × ", " ; points sur les commandes × ") +
              multiplier_text(level.earn_multiplier, t);
    }
    if (level.free_shipping) item += t("; free shipping", " ; livraison offerte");
    if (level.early_access) item += t("; early access", " ; accès en avant-première");
    if (level.priority_service) item += t("; priority service", " ; service prioritaire");
    item += ". " + level.terms;
    section.items.push_back(std::move(item));
  }
  return section;
}

// What a reward gives, in a few words generated from its fields.
std::string benefit_text(const Reward& reward, const Text& t) {
  const std::string amount =
      reward.amount ? core::format_amount(reward.amount->minor, reward.amount->currency) + " " +
                          std::string(reward.amount->currency.code_view())
                    : "";
  switch (reward.kind) {
    case RewardKind::fixed_discount:
      return amount + t(" off an order", " de remise sur une commande");
    case RewardKind::percent_discount:
      return std::to_string(reward.percent) + t(" % off an order", " % de remise sur une commande");
    case RewardKind::free_shipping:
      return t("free shipping on an order", "la livraison offerte sur une commande");
    case RewardKind::free_product:
      return t("the product ", "le produit ") + reward.target + t(", free", " offert");
    case RewardKind::access:
      return t("access: ", "accès : ") + reward.name;
    case RewardKind::partner:
      return t("an offer from our partner ", "une offre de notre partenaire ") + reward.target;
    case RewardKind::donation:
      return amount + t(" given to ", " versés à ") + reward.target +
             t(" in your name", " en votre nom");
    case RewardKind::store_credit:
      return amount + t(" of store credit", " d'avoir en boutique");
  }
  return "";
}

// A segment's conditions as members read them: "Regulars (3 orders or more in the last 6 months,
// a member for 90 days or more)".
std::string segment_text(const Program& program, const Segment& segment, const Text& t) {
  std::vector<std::string> parts;
  const std::string window = segment.months == 1 ? t(" this month", " ce mois-ci")
                                                 : t(" in the last ", " sur les ") +
                                                       std::to_string(segment.months) +
                                                       t(" months", " derniers mois");
  if (segment.orders_at_least) {
    parts.push_back(std::to_string(*segment.orders_at_least) +
                    t(" orders or more", " commandes ou plus") + window);
  }
  if (segment.orders_at_most) {
    parts.push_back(*segment.orders_at_most == 0
                        ? t("no order", "aucune commande") + window
                        : t("at most ", "au plus ") + std::to_string(*segment.orders_at_most) +
                              t(" orders", " commandes") + window);
  }
  if (segment.points_at_least) {
    parts.push_back(t.points(*segment.points_at_least) + t(" or more earned", " gagnés ou plus") +
                    window);
  }
  if (segment.satisfaction_at_least) {
    parts.push_back(t("a satisfaction score of ", "une satisfaction de ") +
                    std::to_string(*segment.satisfaction_at_least) +
                    t("/100 or more in your survey answers",
                      "/100 ou plus dans vos réponses aux "
                      "enquêtes") +
                    window);
  }
  if (segment.member_for_days) {
    parts.push_back(t("a member for ", "membre depuis ") + t.days(*segment.member_for_days) +
                    t(" or more", " ou plus"));
  }
  if (!segment.tiers.empty() && program.tiers) {
    std::string names;
    for (const std::string& id : segment.tiers) {
      const TierLevel& level =
          program.tiers->levels[static_cast<std::size_t>(program.tiers->index_of(id))];
      names += (names.empty() ? "" : t(" or ", " ou ")) + level.name;
    }
    parts.push_back(t("in tier ", "au niveau ") + names);
  }
  for (const std::string& badge : segment.badges) {
    parts.push_back(t("holding the badge ", "titulaire du badge ") + badge);
  }
  if (segment.membership) {
    parts.push_back(t("with an active paid membership", "avec un abonnement payant actif"));
  }
  std::string text = segment.name + " (";
  for (std::size_t i = 0; i < parts.size(); ++i) text += (i ? ", " : "") + parts[i];
  return text + ")";
}

Section rewards_section(const Program& program, const Text& t) {
  Section section{t("Rewards", "Récompenses"), {}};
  for (const auto& reward : program.rewards) {
    const bool credit = reward.credit_cost > 0 && program.cashback;
    const std::string cost =
        credit ? core::format_amount(reward.credit_cost, program.cashback->currency) + " " +
                     std::string(program.cashback->currency.code_view()) +
                     t(" of store credit", " d'avoir")
               : t.points(reward.points);
    std::string item =
        reward.name + t(" for ", " pour ") + cost + " (" + benefit_text(reward, t) + ")";
    if (reward.valid_days > 0) {
      item += t(". The code is valid for ", ". Le code est valable ") + t.days(reward.valid_days);
      item += reward.return_on_expiry
                  ? (credit ? t("; unused, its store credit comes back to you",
                                " ; non utilisé, son avoir vous est rendu")
                            : t("; unused, its points come back to you",
                                " ; non utilisé, ses points vous sont rendus"))
                  : (credit ? t("; unused, its store credit is not given back",
                                " ; non utilisé, son avoir n'est pas rendu")
                            : t("; unused, its points are not given back",
                                " ; non utilisé, ses points ne sont pas rendus"));
    } else {
      item += t(". The code does not expire", ". Le code n'expire pas");
    }
    if (reward.per_member) {
      item += t(". At most ", ". Au plus ") + std::to_string(*reward.per_member) +
              t(" per member", " par membre");
    }
    if (reward.stock) item += t(". Limited stock", ". Stock limité");
    if (!reward.min_tier.empty() && program.tiers) {
      const TierLevel& level =
          program.tiers->levels[static_cast<std::size_t>(program.tiers->index_of(reward.min_tier))];
      item += t(". For members in tier ", ". Réservé aux membres du niveau ") + level.name +
              t(" or above", " ou au-dessus");
    }
    if (!reward.segments.empty()) {
      item += t(". For members in ", ". Réservé aux membres du segment ");
      for (std::size_t i = 0; i < reward.segments.size(); ++i) {
        if (i) item += t(" or ", " ou ");
        item += segment_text(program, *program.segment(reward.segments[i]), t);
      }
    }
    item += (credit ? t(". Cancelling an unused code gives its store credit back. ",
                        ". Annuler un code non utilisé rend son avoir. ")
                    : t(". Cancelling an unused code gives its points back. ",
                        ". Annuler un code non utilisé rend ses points. ")) +
            reward.terms;
    section.items.push_back(std::move(item));
  }
  return section;
}

// Markdown: the characters that would change the structure of a list item are escaped.
void append_markdown(std::string& out, std::string_view text) {
  for (const char c : text) {
    if (c == '\\' || c == '*' || c == '_' || c == '`' || c == '[' || c == ']' || c == '<' ||
        c == '#') {
      out += '\\';
    }
    out += c == '\n' ? ' ' : c;
  }
}

Section milestones_section(const Program& program, const Text& t) {
  Section section{t("Milestones", "Étapes"), {}};
  if (program.birthday) {
    section.items.push_back(t("On your birthday, at midnight where you live, you receive ",
                              "Le jour de votre anniversaire, à minuit chez vous, vous recevez ") +
                            t.points(program.birthday->points) + ". " + program.birthday->terms);
  }
  if (const auto& yearly = program.purchase_anniversary) {
    section.items.push_back(t("Every year on the date of your first purchase, you receive ",
                              "Chaque année, à la date de votre premier achat, vous recevez ") +
                            t.points(yearly->points) + ". " + yearly->terms);
  }
  if (const auto& yearly = program.program_anniversary) {
    section.items.push_back(t("Every year on the program's anniversary (launched ",
                              "Chaque année, à l'anniversaire du programme (lancé le ") +
                            core::format_rfc3339(yearly->launched_at).substr(0, 10) +
                            t("), every member receives ", "), chaque membre reçoit ") +
                            t.points(yearly->points) + ". " + yearly->terms);
  }
  for (const auto& milestone : program.spend_milestones) {
    std::string reward;
    if (milestone.points > 0) reward = t.points(milestone.points);
    if (!milestone.badge.empty()) {
      reward += (reward.empty() ? "" : t(" and ", " et ")) + t("the badge ", "le badge ") +
                milestone.badge;
    }
    section.items.push_back(t("When your purchases reach ", "Quand vos achats atteignent ") +
                            core::format_amount(milestone.amount.minor, milestone.amount.currency) +
                            " " + std::string(milestone.amount.currency.code_view()) +
                            t(" (once their return window has passed), you receive ",
                              " (une fois le délai de retour passé), vous recevez ") +
                            reward + ". " + milestone.terms);
  }
  return section;
}

}  // namespace

std::string render_rules_page(const Program& program, PageLanguage language, PageFormat format) {
  const Text t(language);
  std::vector<Section> sections = {earning_section(program, t), returns_section(program, t),
                                   expiry_section(program, t)};
  if (!program.actions.empty()) sections.push_back(actions_section(program, t));
  if (!program.missions.empty()) sections.push_back(missions_section(program, t));
  if (program.tiers) sections.push_back(tiers_section(*program.tiers, t));
  if (auto section = milestones_section(program, t); !section.items.empty()) {
    sections.push_back(std::move(section));
  }
  if (!program.memberships.empty() && program.tiers) {
    Section section{t("Paid memberships", "Abonnements payants"), {}};
    for (const auto& plan : program.memberships) {
      const TierLevel& level =
          program.tiers->levels[static_cast<std::size_t>(program.tiers->index_of(plan.level))];
      section.items.push_back(
          plan.name +
          t(": while your membership is active, you enjoy the benefits of the ",
            " : tant que votre abonnement est actif, vous profitez des avantages du "
            "niveau ") +
          level.name +
          t(" tier (or of your own tier, if higher). Cancelling takes effect at once. ",
            " (ou de votre propre niveau, s'il est plus élevé). Une résiliation prend "
            "effet immédiatement. ") +
          plan.terms);
    }
    sections.push_back(std::move(section));
  }
  if (program.referrals) {
    const Referrals& r = *program.referrals;
    Section section{t("Referrals", "Parrainage"), {}};
    section.items.push_back(
        t("Share your referral code. When a friend joins with it and their first order is past "
          "the return window, you get ",
          "Partagez votre code de parrainage. Quand un ami s'inscrit avec ce code et que sa "
          "première commande a passé le délai de retour, vous recevez ") +
        t.points(r.referrer_points) + t(" and your friend ", " et votre ami ") +
        t.points(r.referee_points) +
        t(". A first order cancelled or refunded in full within that window does not count.",
          ". Une première commande annulée ou remboursée en entier pendant ce délai ne compte "
          "pas."));
    std::string review = t("Referrals of yourself, of existing customers",
                           "Les parrainages de soi-même, de clients existants");
    if (r.max_per_month) {
      review += t(" or beyond ", " ou au-delà de ") + std::to_string(*r.max_per_month) +
                t(" a month", " par mois");
    }
    review += t(" are reviewed by the shop before they count. ",
                " sont examinés par la boutique avant de compter. ") +
              r.terms;
    section.items.push_back(std::move(review));
    sections.push_back(std::move(section));
  }
  if (const auto& board = program.leaderboard) {
    const std::string period = board->period == Period::year      ? t("year", "année")
                               : board->period == Period::quarter ? t("quarter", "trimestre")
                                                                  : t("month", "mois");
    sections.push_back(Section{
        t("Leaderboard", "Classement"),
        {t("If you choose to take part, you appear on the leaderboard of points earned each ",
           "Si vous choisissez d'y participer, vous apparaissez dans le classement des points "
           "gagnés chaque ") +
         period +
         t(" under a pseudonym, never your name. The leaderboard is for fun: ranks give no "
           "reward. ",
           " sous un pseudonyme, jamais sous votre nom. Le classement est pour le plaisir : le "
           "rang ne donne aucune récompense. ") +
         board->terms}});
  }
  if (const auto& cashback = program.cashback) {
    sections.push_back(Section{
        t("Cashback", "Cashback"),
        {decimal_text(cashback->basis_points, 2, t) +
         t(" % of your purchases in ", " % de vos achats en ") +
         std::string(cashback->currency.code_view()) +
         t(" (after discounts, without shipping and taxes) comes back to you as store credit, "
           "rounded down to the cent. It is pending during the return window, taken back in "
           "proportion when you return items, and never expires. ",
           " (après remises, hors livraison et taxes) vous revient en avoir, arrondi au centime "
           "inférieur. Il est en attente pendant le délai de retour, repris en proportion des "
           "articles retournés, et n'expire jamais. ") +
         cashback->terms}});
  }
  if (!program.rewards.empty()) sections.push_back(rewards_section(program, t));
  std::string out;
  if (format == PageFormat::markdown) {
    out += "# ";
    append_markdown(out, program.name);
    out += "\n";
    for (const auto& section : sections) {
      out += "\n## " + section.title + "\n\n";
      for (const auto& item : section.items) {
        out += "- ";
        append_markdown(out, item);
        out += "\n";
      }
    }
    return out;
  }
  out += "<!doctype html>\n<html lang=\"";
  out += t("en", "fr");
  out += "\">\n<head><meta charset=\"utf-8\"><title>";
  core::append_html_escaped(out, program.name);
  out += "</title></head>\n<body>\n<h1>";
  core::append_html_escaped(out, program.name);
  out += "</h1>\n";
  for (const auto& section : sections) {
    out += "<h2>";
    core::append_html_escaped(out, section.title);
    out += "</h2>\n<ul>\n";
    for (const auto& item : section.items) {
      out += "<li>";
      core::append_html_escaped(out, item);
      out += "</li>\n";
    }
    out += "</ul>\n";
  }
  out += "</body>\n</html>\n";
  return out;
}

}  // namespace fidelis::domain
