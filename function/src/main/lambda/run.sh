#!/bin/sh
# Lambda handler script behind the Lambda Web Adapter (AWS_LAMBDA_EXEC_WRAPPER=/opt/bootstrap): starts the web
# server, which listens on PORT (default 8080). The JVM's tuning (compiler, collector, heap share) comes from
# JAVA_TOOL_OPTIONS, which the infrastructure sets for this script and the buffered handler alike (ChatFunction).
exec java \
  --enable-native-access=ALL-UNNAMED \
  -Xshare:auto \
  -Djava.net.preferIPv4Stack=true \
  -cp "$LAMBDA_TASK_ROOT/lib/function.jar" \
  dev.bedrockchat.function.Main
