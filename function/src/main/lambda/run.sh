#!/bin/sh
# Lambda handler script behind the Lambda Web Adapter (AWS_LAMBDA_EXEC_WRAPPER=/opt/bootstrap): starts the web
# server, which listens on PORT (default 8080). Tiered compilation stopped at C1 and the serial collector suit a
# short-lived, small-memory function and shorten the cold start.
exec java \
  -XX:+TieredCompilation -XX:TieredStopAtLevel=1 \
  -XX:+UseSerialGC \
  --enable-native-access=ALL-UNNAMED \
  -Xshare:auto \
  -Djava.net.preferIPv4Stack=true \
  -cp "$LAMBDA_TASK_ROOT/lib/function.jar" \
  dev.bedrockchat.function.Main
