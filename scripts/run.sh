#!/usr/bin/env bash
# The run command: installs what is missing, starts a private PostgreSQL (unless
# ConnectionStrings__Default is set), starts StorybookShop and makes a sample book.
#
#   scripts/run.sh                      start the app on http://127.0.0.1:5080 and make a sample book
#   scripts/run.sh make-book [options]  make one book from the command line, print where it is, exit
#       --name NAME  --age 0-3|3-5|5-7|7-9  --theme adventure|space|ocean|dinosaurs|fairytale
#       --language en|es|fr  --moral TEXT  --companion NAME:KIND (repeatable; dog, cat, rabbit, bear,
#       dragon, robot, dolphin, owl, dinosaur)  --colouring (colouring pages and a colouring book)
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

args=(--SampleBook:Make=true)
urls="${APP_URLS:-http://127.0.0.1:5080}"
if [ "${1:-}" = "make-book" ]; then
  shift
  # One-shot: its own lines say what happens; the app logs only warnings and errors.
  args+=(--SampleBook:ExitWhenDone=true --Logging:LogLevel:Default=Warning)
  urls="http://127.0.0.1:0"
  companions=""
  while [ $# -gt 0 ]; do
    case "$1" in
      --name) args+=("--SampleBook:ChildName=$2"); shift 2 ;;
      --age) args+=("--SampleBook:AgeGroup=$2"); shift 2 ;;
      --theme) args+=("--SampleBook:Genre=$2"); shift 2 ;;
      --language) args+=("--SampleBook:Language=$2"); shift 2 ;;
      --moral) args+=("--SampleBook:Moral=$2"); shift 2 ;;
      --companion) companions="${companions:+$companions,}$2"; shift 2 ;;
      --colouring) args+=("--SampleBook:Colouring=true"); shift ;;
      *) echo "unknown option $1 (see the top of scripts/run.sh)" >&2; exit 2 ;;
    esac
  done
  [ -n "$companions" ] && args+=("--SampleBook:Companions=$companions")
fi

ensure_packages
command -v dotnet >/dev/null || { echo "Install the .NET 10 SDK first: https://dot.net" >&2; exit 1; }

if [ -z "${ConnectionStrings__Default:-}" ]; then
  # The PostgreSQL this script starts is stopped when the app ends (Ctrl+C, or make-book done); one that was already
  # running is left as it was.
  if [ -f "$DATA/pg/postmaster.pid" ]; then
    log "Using the PostgreSQL already running in $DATA/pg (left running; stop it with: source scripts/lib.sh; pg_stop .data/pg)"
  else
    stop_pg=1
  fi
  pg_start "$DATA/pg" 55432
  export ConnectionStrings__Default="Host=127.0.0.1;Port=55432;Username=postgres;Database=storybookshop"
  "$(pg_bin)/psql" -h 127.0.0.1 -p 55432 -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname='storybookshop'" | grep -q 1 \
    || "$(pg_bin)/createdb" -h 127.0.0.1 -p 55432 -U postgres storybookshop
fi

log "Building"
dotnet build "$ROOT/App/App.csproj" -c Release -nologo -v quiet -o "$ROOT/.data/app" >/dev/null
export ASPNETCORE_ENVIRONMENT="${ASPNETCORE_ENVIRONMENT:-Development}"
export Storage__Local__Root="${Storage__Local__Root:-$DATA/assets}"
log "Starting StorybookShop on $urls (Ctrl+C to stop)"
cd "$ROOT/.data/app"
# Not exec: the EXIT trap stops what this script started once the app ends.
[ -n "${stop_pg:-}" ] && trap 'pg_stop "$DATA/pg"' EXIT
dotnet StorybookShop.dll --urls "$urls" "${args[@]}"
