#!/bin/sh
# man_page.sh HELP2MAN TAPEGRAD VERSION OUT.1.gz [COMMAND]
# The man page of `tapegrad` (or of `tapegrad COMMAND`, as tapegrad-COMMAND) from its --help,
# by Debian's help2man; its NAME line is the first line of that help.
set -eu
help2man=$1 tapegrad=$2 version=$3 out=$4 command=${5:-}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
if [ -n "$command" ]; then
  program="$dir/tapegrad-$command"        # help2man names the page after the program it runs
  printf '#!/bin/sh\nexec "%s" %s "$@"\n' "$tapegrad" "$command" > "$program"
  chmod +x "$program"
  summary=$("$tapegrad" "$command" --help | head -n 1)
  see_also="tapegrad(1)"
else
  program=$tapegrad
  summary=$("$tapegrad" --help | head -n 1 | sed 's/^tapegrad: //')
  see_also=$(for c in train verify eval report graph explain info demo; do printf 'tapegrad-%s(1), ' "$c"; done | sed 's/, $//')
fi
printf '[SEE ALSO]\n%s\n' "$see_also" > "$dir/include"
"$help2man" --no-info --no-discard-stderr --version-string="$version" --name="$summary" \
            --include="$dir/include" --output="$dir/page.1" "$program"
gzip -9n -c "$dir/page.1" > "$out"
