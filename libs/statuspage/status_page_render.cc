#include "libs/statuspage/status_page_render.h"

#include <openssl/evp.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <map>
#include <tuple>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "libs/base/public_url.h"
#include "libs/base/time_text.h"
#include "libs/statuspage/labels.h"
#include "libs/statuspage/markdown.h"
#include "libs/statuspage/markup.h"

namespace statuscast {
namespace {

// Page-wide markers the live-refresh script and the tests rely on.
constexpr char kLiveId[] = "sc-live";
constexpr char kAnnounceId[] = "sc-announce";

// <time datetime="2026-11-27T14:28:00Z">text</time>
std::string TimeTag(absl::Time t, const std::string& text) {
  return absl::StrCat("<time datetime=\"", FormatRfc3339(t), "\">", HtmlEscape(text), "</time>");
}

std::string DurationWords(absl::Duration d) {
  int64_t minutes = absl::ToInt64Minutes(d + absl::Seconds(30));
  if (minutes < 60) return absl::StrCat(minutes, " min");
  if (minutes % 60 == 0) return absl::StrCat(minutes / 60, " h");
  return absl::StrCat(minutes / 60, " h ", minutes % 60, " min");
}

constexpr char kStyle[] = R"css(
:root{color-scheme:light;--fg:#1b1f24;--muted:#4a5361;--line:#d5dae1;--bg:#f6f7f9}
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg)}
header,main,footer{max-width:52rem;margin:0 auto;padding:0 1rem}
header{padding-top:1.5rem}
h1{font-size:1.6rem;margin:0 0 1rem}
h1 a{color:inherit;text-decoration:none}
h2{font-size:1.2rem;margin:2rem 0 .75rem}
h3{font-size:1.1rem;margin:0}
.sub{font-size:.95rem;margin:1rem 0 .25rem;color:var(--muted)}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
a{color:#0b4fa8}
.overall{padding:1rem 1.25rem;border-radius:.5rem;font-weight:600;font-size:1.15rem;color:#fff}
.overall p{margin:0}
.ind-none{background:#1e7a3c}.ind-minor{background:#8a5a00}.ind-major{background:#b23c00}.ind-critical{background:#a0171c}
.card{background:#fff;border:1px solid var(--line);border-radius:.5rem;padding:1rem 1.25rem;margin:0 0 1rem}
.incident{border-left:6px solid #8a5a00}
.incident.impact-major{border-left-color:#b23c00}.incident.impact-critical{border-left-color:#a0171c}
.meta{color:var(--muted);margin:.25rem 0}
.badge{display:inline-block;padding:0 .5rem;border-radius:1rem;background:#e8ecf1;color:var(--fg);font-weight:600;font-size:.85rem}
.next{font-weight:600;margin:.5rem 0}
.states{list-style:none;padding:0;margin:.5rem 0;display:flex;flex-wrap:wrap;gap:.25rem 1rem;color:var(--muted);font-size:.9rem}
.timeline{list-style:none;padding:0;margin:0}
.timeline li{border-top:1px solid var(--line);padding:.5rem 0}
.timeline .when{margin:0;font-size:.9rem;color:var(--muted)}
.timeline .state{color:var(--fg)}
.timeline .body{margin:.25rem 0 0;white-space:pre-wrap}
.ledger{margin:0;padding-left:1.25rem;font-size:.9rem}
.promise-missed{color:#a0171c}
.components{list-style:none;padding:0;margin:0}
.components li{display:flex;justify-content:space-between;gap:1rem;padding:.6rem 1.25rem;border-top:1px solid var(--line)}
.components li:first-child{border-top:0}
.components .group{font-size:.8rem;color:var(--muted);margin-left:.5rem}
.cs-operational{color:#1e7a3c}.cs-degraded_performance,.cs-partial_outage{color:#8a5a00}
.cs-major_outage{color:#a0171c}.cs-under_maintenance{color:#1f4e8c}
.cstatus{font-weight:600}
.history{list-style:none;padding:0;margin:0}
.history li{padding:.5rem 0;border-top:1px solid var(--line)}.history li:first-child{border-top:0;padding-top:0}
.empty{color:var(--muted)}
footer{color:var(--muted);font-size:.9rem;padding-bottom:2rem;margin-top:2rem}
)css";

// Brings #sc-live up to date in place when the page changed: polls this page
// with If-None-Match (304s cost nothing), so it follows updates within
// seconds. It patches the DOM rather than replacing <main>: elements keyed by
// id (incidents, updates) are matched by id, the rest by position and tag,
// so an unchanged element keeps the keyboard focus (WCAG 2.4.3). What changed
// ("INC-12 updated: identified") is announced in the polite #sc-announce.
constexpr char kLiveScript[] = R"js(
(function(){var tag=null,busy=false,say=document.getElementById('sc-announce');
function key(n){return n.nodeType===1?n.id:'';}
function morph(a,b){var want={},c,d,ac=a.firstChild,bc;
for(c=b.firstChild;c;c=c.nextSibling)if(key(c))want[key(c)]=1;
for(bc=b.firstChild;bc;bc=bc.nextSibling){while(ac&&key(ac)&&!want[key(ac)]){d=ac;ac=ac.nextSibling;a.removeChild(d);}
if(ac&&ac.nodeName===bc.nodeName&&key(ac)===key(bc)){patch(ac,bc);ac=ac.nextSibling;}else a.insertBefore(document.importNode(bc,true),ac);}
while(ac){d=ac;ac=ac.nextSibling;a.removeChild(d);}}
function patch(a,b){var i,n;if(a.nodeType!==1){if(a.nodeValue!==b.nodeValue)a.nodeValue=b.nodeValue;return;}
for(i=a.attributes.length-1;i>=0;i--){n=a.attributes[i].name;if(!b.hasAttribute(n))a.removeAttribute(n);}
for(i=0;i<b.attributes.length;i++){n=b.attributes[i];if(a.getAttribute(n.name)!==n.value)a.setAttribute(n.name,n.value);}
morph(a,b);}
function facts(r){var f={i:{},o:''},o=r.querySelector('#overall-status');if(o)f.o=o.textContent;
r.querySelectorAll('article.incident[id]').forEach(function(a){var s=a.querySelector('.badge');
f.i[a.id]={s:s?s.textContent.toLowerCase():'',n:a.querySelectorAll('.timeline li').length};});return f;}
function summary(o,n,d){var out=[],k;for(k in n.i){if(!o.i[k])out.push(k+' opened: '+n.i[k].s);
else if(o.i[k].s!==n.i[k].s||o.i[k].n!==n.i[k].n)out.push(k+' updated: '+n.i[k].s);}
for(k in o.i)if(!n.i[k]&&d.getElementById(k))out.push(k+' resolved');
if(o.o!==n.o&&n.o)out.push(n.o);return out.join('. ');}
function tick(){if(busy||document.hidden)return;busy=true;var h={};if(tag)h['If-None-Match']=tag;
fetch(location.pathname,{headers:h,cache:'no-store'}).then(function(r){if(r.status!==200)return;
tag=r.headers.get('ETag');return r.text().then(function(t){var d=new DOMParser().parseFromString(t,'text/html'),n=d.getElementById('sc-live'),
live=document.getElementById('sc-live'),icon=d.querySelector('link[rel=icon]'),mine=document.querySelector('link[rel=icon]'),s;
if(!n||!live||n.getAttribute('data-version')===live.getAttribute('data-version'))return;
s=summary(facts(live),facts(n),d);patch(live,n);document.title=d.title;if(icon&&mine)mine.href=icon.href;
if(s&&say){say.textContent='';setTimeout(function(){say.textContent=s;},100);}});
}).catch(function(){}).then(function(){busy=false;});}
document.documentElement.setAttribute('data-live','on');setInterval(tick,2000);tick();})();
)js";

// A dot in the overall status colour, inline so it costs no request.
std::string FaviconLink(Indicator i) {
  const char* fill = "%231e7a3c";
  if (i == Indicator::kMinor) fill = "%238a5a00";
  if (i == Indicator::kMajor) fill = "%23b23c00";
  if (i == Indicator::kCritical) fill = "%23a0171c";
  return absl::StrCat(
      "<link rel=\"icon\" href=\"data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' "
      "viewBox='0 0 16 16'%3E%3Ccircle cx='8' cy='8' r='7' fill='",
      fill, "'/%3E%3C/svg%3E\">\n");
}

// No <meta http-equiv="refresh">: a page that reloads itself takes the reader's
// place and focus away (WCAG 2.2.1); without JavaScript the footer offers a
// reload link instead.
std::string PageHead(const StatusPageModel& m, const std::string& title,
                     const std::string& description) {
  return absl::StrCat(
      "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      "<title>",
      HtmlEscape(title),
      "</title>\n"
      "<meta name=\"description\" content=\"",
      HtmlEscape(description), "\">\n", FaviconLink(m.indicator),
      "<link rel=\"alternate\" type=\"application/atom+xml\" href=\"/feed.atom\" title=\"",
      HtmlEscape(m.title),
      " updates\">\n"
      "<style>",
      kStyle, "</style>\n</head>\n<body>\n<header><h1><a href=\"/\">", HtmlEscape(m.title),
      "</a></h1></header>\n");
}

std::string PageFoot(const std::string& self_path) {
  return absl::StrCat(
      "<div id=\"", kAnnounceId,
      "\" class=\"sr\" role=\"status\"></div>\n"
      "<footer><noscript><p>This page does not update itself without JavaScript: <a href=\"",
      HtmlEscape(self_path),
      "\">reload it</a> for the latest status.</p></noscript>\n"
      "<p>All times are UTC. <a href=\"/v1/status.json\">JSON summary</a> \xC2\xB7 "
      "<a href=\"/feed.atom\">Atom feed</a> \xC2\xB7 "
      "<a href=\"/subscribe\">Subscribe to updates</a></p></footer>\n<script>",
      kLiveScript, "</script>\n</body>\n</html>\n");
}
std::string AffectedList(const PublicIncident& i) {
  std::vector<std::string> parts;
  for (size_t k = 0; k < i.affected.size(); ++k) {
    const std::string& label = k < i.affected_labels.size() ? i.affected_labels[k] : i.affected[k].name;
    parts.push_back(absl::StrCat(HtmlEscape(label), " (",
                                 HtmlEscape(ComponentStatusLabel(i.affected[k].status)), ")"));
  }
  return absl::StrJoin(parts, ", ");
}

std::string IncidentMeta(const PublicIncident& i) {
  std::string out =
      absl::StrCat("<p class=\"meta\"><span class=\"badge\">", HtmlEscape(StateLabel(i.state)),
                   "</span> ", HtmlEscape(WorstImpactLabel(i.impact)), " \xC2\xB7 Started ",
                   TimeTag(i.started_at, FormatUtcMinute(i.started_at)));
  if (i.resolved_at) {
    absl::StrAppend(&out, " \xC2\xB7 Resolved ",
                    TimeTag(*i.resolved_at, FormatUtcMinute(*i.resolved_at)), " (",
                    HtmlEscape(DurationWords(*i.resolved_at - i.started_at)), ")");
  }
  if (!i.affected.empty()) absl::StrAppend(&out, " \xC2\xB7 Affects ", AffectedList(i));
  absl::StrAppend(&out, "</p>\n");
  return out;
}

std::string PostmortemLink(const PublicIncident& i) {
  if (i.postmortem_url.empty()) return "";
  return absl::StrCat("<a class=\"postmortem\" href=\"", HtmlEscape(i.postmortem_url),
                      "\">Postmortem</a>");
}

// " · edited 14:32 UTC" on a corrected update.
std::string EditedMark(const PublicUpdate& u) {
  if (!u.edited_at) return "";
  return absl::StrCat(" \xC2\xB7 <span class=\"edited\">edited ",
                      TimeTag(*u.edited_at, FormatUtcClock(*u.edited_at)), "</span>");
}

// A corrected update's earlier texts, folded away, oldest first.
std::string EarlierVersions(const PublicUpdate& u) {
  if (u.revisions.size() < 2) return "";
  // Paragraphs, not list items: the live script counts the timeline's items.
  std::string out = "<details class=\"revisions\"><summary>Earlier versions</summary>";
  for (size_t r = 0; r + 1 < u.revisions.size(); ++r) {
    absl::StrAppend(&out, "<p>", TimeTag(u.revisions[r].at, FormatUtcMinute(u.revisions[r].at)),
                    ": ", HtmlEscape(u.revisions[r].body), "</p>");
  }
  absl::StrAppend(&out, "</details>");
  return out;
}

// The full record of one incident: states, every public update, the ledger.
// Its sub-headings are one level below the incident's title (`title_level`),
// so the outline never skips a level.
std::string IncidentBody(const PublicIncident& i, int title_level) {
  const std::string sub_open = absl::StrCat("<h", title_level + 1, " class=\"sub\">");
  const std::string sub_close = absl::StrCat("</h", title_level + 1, ">\n");
  std::string out = IncidentMeta(i);
  if (i.next_update_at) {
    absl::StrAppend(&out, "<p class=\"next\">Next update by ",
                    TimeTag(*i.next_update_at, FormatUtcClock(*i.next_update_at)), "</p>\n");
  }
  if (!i.states.empty()) {
    absl::StrAppend(&out, "<ol class=\"states\" aria-label=\"State changes\">");
    for (const PublicStateMark& s : i.states) {
      absl::StrAppend(&out, "<li>", HtmlEscape(StateLabel(s.state)), " ",
                      TimeTag(s.at, FormatUtcMinute(s.at)), "</li>");
    }
    absl::StrAppend(&out, "</ol>\n");
  }
  absl::StrAppend(&out, sub_open, "Updates", sub_close);
  if (i.updates.empty()) {
    absl::StrAppend(&out, "<p class=\"empty\">No public update yet.</p>\n");
  } else {
    absl::StrAppend(&out, "<ol class=\"timeline\" reversed>\n");
    for (const PublicUpdate& u : i.updates) {
      absl::StrAppend(&out, "<li id=\"", HtmlEscape(i.ref), "-update-", u.number,
                      "\"><p class=\"when\"><strong class=\"state\">",
                      HtmlEscape(StateLabel(u.state)), "</strong> \xC2\xB7 ",
                      TimeTag(u.posted_at, FormatUtcMinute(u.posted_at)), EditedMark(u),
                      "</p><p class=\"body\">", HtmlEscape(u.body), "</p>", EarlierVersions(u),
                      "</li>\n");
    }
    absl::StrAppend(&out, "</ol>\n");
  }
  if (!i.ledger.empty()) {
    absl::StrAppend(&out, sub_open, "Update promises", sub_close, "<ul class=\"ledger\">\n");
    for (const PublicPromise& p : i.ledger) {
      absl::StrAppend(&out, "<li class=\"promise-", PromiseStatusName(p.status), "\">",
                      HtmlEscape(p.text), "</li>\n");
    }
    absl::StrAppend(&out, "</ul>\n");
  }
  if (!i.postmortem_url.empty()) {
    absl::StrAppend(&out, "<p>", PostmortemLink(i), "</p>\n");
  }
  return out;
}

std::string OverallBlock(const StatusPageModel& m) {
  return absl::StrCat("<section class=\"overall ind-", IndicatorName(m.indicator),
                      "\" aria-label=\"Overall status\"><p id=\"overall-status\">",
                      HtmlEscape(m.description), "</p></section>\n");
}

std::string LiveOpen(const std::string& main_html) {
  return absl::StrCat("<main id=\"", kLiveId, "\" data-version=\"",
                      ContentEtag(main_html).substr(1, 19), "\">\n");
}

// `self_path` is where this page is served, for the no-JavaScript reload link.
std::string Wrap(const StatusPageModel& m, const std::string& title, const std::string& description,
                 const std::string& self_path, const std::string& main_html) {
  std::string main_with_time =
      absl::StrCat(main_html, "<p class=\"meta\">Last change ",
                   TimeTag(m.updated_at, FormatUtcMinute(m.updated_at)), "</p>\n");
  return absl::StrCat(PageHead(m, title, description), LiveOpen(main_with_time), main_with_time,
                      "</main>\n", PageFoot(self_path));
}

// The page's "Scheduled maintenance" section; empty when none is upcoming
// or under way.
std::string MaintenanceSection(const StatusPageModel& m) {
  if (m.maintenances.empty()) return "";
  std::string out =
      "<section aria-labelledby=\"h-maintenance\">\n<h2 id=\"h-maintenance\">Scheduled "
      "maintenance</h2>\n";
  for (const PublicMaintenance& w : m.maintenances) {
    const bool running = w.state == MaintenanceState::kInProgress;
    absl::StrAppend(&out, "<article class=\"card maintenance\" id=\"", HtmlEscape(w.ref),
                    "\" aria-labelledby=\"", HtmlEscape(w.ref), "-title\">\n<h3 id=\"",
                    HtmlEscape(w.ref), "-title\">", HtmlEscape(w.title),
                    "</h3>\n<p class=\"meta\">", running ? "In progress" : "Scheduled",
                    " \xC2\xB7 ", TimeTag(w.scheduled_start, FormatUtcMinute(w.scheduled_start)),
                    " to ", TimeTag(w.scheduled_end, FormatUtcMinute(w.scheduled_end)),
                    " \xC2\xB7 ", HtmlEscape(absl::StrJoin(w.components, ", ")),
                    running ? " under maintenance" : "",
                    "</p>\n<p class=\"body\" style=\"white-space:pre-wrap\">",
                    HtmlEscape(w.message), "</p>\n</article>\n");
  }
  absl::StrAppend(&out, "</section>\n");
  return out;
}

}  // namespace

std::string ContentEtag(const std::string& body) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : body) {
    h ^= c;
    h *= 1099511628211ull;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, "\"sp-%016llx\"", static_cast<unsigned long long>(h));
  return buf;
}

std::string RenderStatusPageHtml(const StatusPageModel& m) {
  std::string main = OverallBlock(m);

  absl::StrAppend(&main,
                  "<section aria-labelledby=\"h-open\">\n<h2 id=\"h-open\">Open incidents</h2>\n");
  if (m.open_incidents.empty()) {
    absl::StrAppend(&main, "<p class=\"empty\">No open incidents.</p>\n");
  }
  for (const PublicIncident& i : m.open_incidents) {
    absl::StrAppend(&main, "<article class=\"card incident impact-", IndicatorName(i.impact),
                    "\" id=\"", HtmlEscape(i.ref), "\" aria-labelledby=\"", HtmlEscape(i.ref),
                    "-title\">\n<h3 id=\"", HtmlEscape(i.ref), "-title\"><a href=\"",
                    HtmlEscape(IncidentPagePath(i.ref)), "\">", HtmlEscape(i.title),
                    "</a></h3>\n", IncidentBody(i, 3), "</article>\n");
  }
  absl::StrAppend(&main, "</section>\n");
  absl::StrAppend(&main, MaintenanceSection(m));

  absl::StrAppend(
      &main,
      "<section aria-labelledby=\"h-components\">\n<h2 id=\"h-components\">Components</h2>\n<div "
      "class=\"card\" style=\"padding:0\"><ul class=\"components\">\n");
  if (m.components.empty()) absl::StrAppend(&main, "<li class=\"empty\">No components yet.</li>\n");
  for (const PublicComponent& c : m.components) {
    absl::StrAppend(&main, "<li><span><span class=\"name\">", HtmlEscape(c.label.empty() ? c.name : c.label), "</span>",
                    c.group.empty()
                        ? ""
                        : absl::StrCat("<span class=\"group\">", HtmlEscape(c.group), "</span>"),
                    "</span><span class=\"cstatus cs-", ComponentStatusName(c.status), "\">",
                    HtmlEscape(ComponentStatusLabel(c.status)), "</span></li>\n");
  }
  absl::StrAppend(&main, "</ul></div>\n</section>\n");

  const int64_t days = absl::ToInt64Hours(m.history_window) / 24;
  absl::StrAppend(
      &main,
      "<section aria-labelledby=\"h-history\">\n<h2 id=\"h-history\">Resolved incidents, last ",
      days, " days</h2>\n");
  if (m.resolved_incidents.empty()) {
    absl::StrAppend(&main, "<p class=\"empty\">No incidents in the last ", days, " days.</p>\n");
  } else {
    absl::StrAppend(&main, "<div class=\"card\"><ul class=\"history\">\n");
    for (const PublicIncident& i : m.resolved_incidents) {
      absl::StrAppend(&main, "<li id=\"", HtmlEscape(i.ref), "\"><a href=\"",
                      HtmlEscape(IncidentPagePath(i.ref)), "\">", HtmlEscape(i.title), "</a>",
                      IncidentMeta(i));
      if (!i.postmortem_url.empty())
        absl::StrAppend(&main, "<p class=\"meta\">", PostmortemLink(i), "</p>");
      absl::StrAppend(&main, "</li>\n");
    }
    absl::StrAppend(&main, "</ul></div>\n");
  }
  absl::StrAppend(&main, "</section>\n");
  return Wrap(m, m.title,
              absl::StrCat("Live status of ", m.title, ": ", m.description,
                           ". Open incidents with every update, components, and the incidents "
                           "of the last ",
                           days, " days."),
              "/", main);
}

absl::optional<std::string> RenderIncidentPageHtml(const StatusPageModel& m,
                                                   const std::string& ref) {
  const PublicIncident* i = m.Find(ref);
  if (i == nullptr) return absl::nullopt;
  std::string main = absl::StrCat(
      "<p><a href=\"/\">\xE2\x86\x90 Current status</a></p>\n<article class=\"card incident "
      "impact-",
      IndicatorName(i->impact), "\" id=\"", HtmlEscape(i->ref), "\">\n<h2 style=\"margin-top:0\">",
      HtmlEscape(i->title), "</h2>\n", IncidentBody(*i, 2));
  if (i->postmortem_published_at) {
    const absl::Time published = i->postmortem_first_published_at.value_or(*i->postmortem_published_at);
    absl::StrAppend(&main, "<h3 class=\"sub\">Postmortem</h3>\n<p class=\"meta\">Published ",
                    TimeTag(published, FormatUtcMinute(published)));
    if (i->postmortem_first_published_at) {
      absl::StrAppend(&main, " \xC2\xB7 <span class=\"revised\">revised ",
                      TimeTag(*i->postmortem_published_at,
                              FormatUtcClock(*i->postmortem_published_at)),
                      "</span>");
    }
    absl::StrAppend(&main, "</p>\n");
    if (!i->postmortem_body.empty()) {
      // CommonMark, without raw HTML and with http(s) links only (markdown.h).
      absl::StrAppend(&main, "<div class=\"postmortem-body\">\n",
                      RenderMarkdown(i->postmortem_body, 3), "</div>\n");
    }
  }
  absl::StrAppend(&main, "</article>\n");
  return Wrap(m, absl::StrCat(i->title, " \xC2\xB7 ", m.title),
              absl::StrCat(i->ref, " on ", m.title, ": ", i->title, ". ", StateLabel(i->state),
                           ", ", ImpactLabel(i->impact), ". Every public update",
                           i->next_update_at ? " and when the next one is due." : "."),
              absl::StrCat("/incidents/", i->ref), main);
}

const std::string& StatusPageContentSecurityPolicy() {
  static const std::string* const policy = [] {
    auto hash = [](const char* text) {
      unsigned char digest[EVP_MAX_MD_SIZE];
      unsigned int size = 0;
      EVP_Digest(text, std::strlen(text), digest, &size, EVP_sha256(), nullptr);
      return absl::StrCat(
          "'sha256-",
          absl::Base64Escape(absl::string_view(reinterpret_cast<const char*>(digest), size)), "'");
    };
    return new std::string(absl::StrCat(
        "default-src 'none'; script-src ", hash(kLiveScript), "; style-src ", hash(kStyle),
        "; style-src-attr 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; "
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"));
  }();
  return *policy;
}

}  // namespace statuscast
