# SPDX-License-Identifier: GPL-2.0
#
# awk -f added-lines.awk DIFF: the line numbers, in the new file, of the
# lines a unified diff adds, one per line.  Context lines are counted, so
# the diff may have any number of them (diff -U0 included).
/^@@ / { split($3, a, ","); n = substr(a[1], 2); next }
/^\+\+\+ / { next }
/^\+/ { print n; n++; next }
/^ / { n++ }
