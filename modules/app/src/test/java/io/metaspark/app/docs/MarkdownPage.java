package io.metaspark.app.docs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The links and heading anchors of one Markdown page, as GitHub renders it: text inside fenced code
 * blocks and inline code spans is not Markdown, so neither its links nor its "# headings" count.
 * Hand-written because the whole need is two patterns and GitHub's slug rule; commonmark-java would
 * be a new test dependency (and pom change) for that.
 */
final class MarkdownPage {
  /** A link as written on the page, with the line it is on. */
  record Link(int line, String target) {}

  private static final Pattern FENCE = Pattern.compile("^ {0,3}(`{3,}|~{3,})");
  private static final Pattern ATX_HEADING = Pattern.compile("^ {0,3}#{1,6}(?:\\s+(.*?))?(?:\\s+#+)?\\s*$");
  private static final Pattern SETEXT_UNDERLINE = Pattern.compile("^ {0,3}(=+|-+)\\s*$");
  private static final Pattern CODE_SPAN = Pattern.compile("(`+)(?:(?!\\n\\s*\\n)[^`]|(?!\\1)`+)+?\\1");
  /** [text](target) and ![alt](target), with an optional "title"; the text holds no brackets. */
  private static final Pattern INLINE_LINK = Pattern.compile("!?\\[[^\\[\\]]*\\]\\(\\s*<?([^)\\s>]+)>?(?:\\s+\"[^\"]*\")?\\s*\\)");
  private static final Pattern REFERENCE_DEFINITION = Pattern.compile("(?m)^ {0,3}\\[[^\\]]+\\]:[ \\t]*<?([^\\s>]+)>?");
  /** What GitHub's slugger drops from a heading: everything but letters, digits, marks, '_', '-' and spaces. */
  private static final Pattern NOT_IN_ANCHOR = Pattern.compile("[^\\p{L}\\p{N}\\p{M}\\p{Pc} -]");

  private final List<Link> links = new ArrayList<>();
  private final Set<String> anchors = new LinkedHashSet<>();

  private MarkdownPage() {}

  static MarkdownPage read(Path file) throws IOException {
    return parse(Files.readString(file, StandardCharsets.UTF_8));
  }

  static MarkdownPage parse(String markdown) {
    MarkdownPage page = new MarkdownPage();
    Map<String, Integer> seen = new HashMap<>();
    String[] lines = markdown.split("\r?\n", -1);
    StringBuilder prose = new StringBuilder();
    String fence = null;
    String previous = "";
    for (String line : lines) {
      Matcher fenceMatch = FENCE.matcher(line);
      boolean code = fence != null || fenceMatch.find();
      if (fence == null && code) {
        fence = fenceMatch.group(1);
      } else if (fence != null && fenceMatch.find() && closes(fence, fenceMatch.group(1), line)) {
        fence = null;
      }
      prose.append(code ? "" : line).append('\n');
      if (code) {
        previous = "";
        continue;
      }
      Matcher atx = ATX_HEADING.matcher(line);
      if (atx.matches()) {
        page.addAnchor(atx.group(1) == null ? "" : atx.group(1), seen);
      } else if (SETEXT_UNDERLINE.matcher(line).matches() && isParagraphText(previous)) {
        page.addAnchor(previous.trim(), seen);
      }
      previous = line;
    }
    String text = withoutCodeSpans(prose);
    Matcher link = INLINE_LINK.matcher(text);
    while (link.find()) {
      page.links.add(new Link(lineOf(text, link.start()), link.group(1)));
    }
    Matcher definition = REFERENCE_DEFINITION.matcher(text);
    while (definition.find()) {
      page.links.add(new Link(lineOf(text, definition.start()), definition.group(1)));
    }
    return page;
  }

  private static boolean closes(String opening, String candidate, String line) {
    return candidate.charAt(0) == opening.charAt(0) && candidate.length() >= opening.length()
        && line.trim().equals(candidate);
  }

  /** Code spans (which may wrap, but not across a blank line) removed, their line breaks kept. */
  private static String withoutCodeSpans(CharSequence prose) {
    Matcher span = CODE_SPAN.matcher(prose);
    StringBuilder out = new StringBuilder();
    while (span.find()) {
      span.appendReplacement(out, "\n".repeat((int) span.group().chars().filter(c -> c == '\n').count()));
    }
    span.appendTail(out);
    return out.toString();
  }

  private static int lineOf(String text, int offset) {
    return 1 + (int) text.substring(0, offset).chars().filter(c -> c == '\n').count();
  }

  private static boolean isParagraphText(String line) {
    String t = line.trim();
    return !t.isEmpty() && !t.startsWith("|") && !t.startsWith("#") && !t.startsWith(">")
        && !t.startsWith("- ") && !t.startsWith("* ") && !SETEXT_UNDERLINE.matcher(line).matches();
  }

  private void addAnchor(String headingText, Map<String, Integer> seen) {
    String slug = anchor(headingText);
    int count = seen.merge(slug, 1, Integer::sum);
    anchors.add(count == 1 ? slug : slug + "-" + (count - 1));
  }

  /** GitHub's anchor for a heading: its rendered text, lower case, punctuation dropped, spaces as hyphens. */
  static String anchor(String headingText) {
    String text = headingText.replaceAll("!?\\[([^\\]]*)\\]\\([^)]*\\)", "$1").replaceAll("<[^>]+>", "").trim();
    return NOT_IN_ANCHOR.matcher(text.toLowerCase(Locale.ROOT)).replaceAll("").replace(' ', '-');
  }

  List<Link> links() {
    return links;
  }

  Set<String> anchors() {
    return anchors;
  }
}
