#!/bin/sh
# Lambda handler script behind the Lambda Web Adapter (AWS_LAMBDA_EXEC_WRAPPER=/opt/bootstrap): starts the web
# server, which listens on PORT (default 8080). Tiered compilation stopped at C1 and the serial collector suit a
# short-lived, small-memory function and shorten the cold start. The heap may take 60 % of the function's memory
# (the JVM's default is 25 %), leaving the rest to metaspace, thread stacks, the CRT's native buffers and the adapter.
exec java \
  -XX:+TieredCompilation -XX:TieredStopAtLevel=1 \
  -XX:+UseSerialGC \
  -XX:MaxRAMPercentage=60 \
  --enable-native-access=ALL-UNNAMED \
  -Xshare:auto \
  -Djava.net.preferIPv4Stack=true \
  -cp "$LAMBDA_TASK_ROOT/lib/function.jar" \
  dev.bedrockchat.function.Main
