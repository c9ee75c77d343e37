# Multi-stage build of the single pgbackfill jar (every command) on Eclipse Temurin 21.
FROM eclipse-temurin:21-jdk AS build
WORKDIR /src
COPY .mvn .mvn
COPY mvnw pom.xml ./
COPY embedded/pom.xml embedded/
COPY testkit/pom.xml testkit/
COPY common/pom.xml common/
COPY coordinator/pom.xml coordinator/
COPY worker/pom.xml worker/
COPY migrations/pom.xml migrations/
COPY app/pom.xml app/
RUN ./mvnw -B -q dependency:go-offline -DexcludeGroupIds=dev.pgbackfill || true
COPY . .
RUN ./mvnw -B -q -DskipTests install

FROM eclipse-temurin:21-jre
RUN useradd --system --uid 10001 pgbackfill
COPY --from=build /src/app/target/pgbackfill.jar /opt/pgbackfill/pgbackfill.jar
USER pgbackfill
EXPOSE 8080
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "/opt/pgbackfill/pgbackfill.jar"]
CMD ["--help"]
