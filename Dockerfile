# The app image used by compose.yaml (see docs/deploy.md).
FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md ./
COPY app.py ./
COPY .streamlit ./.streamlit
COPY coach ./coach
COPY scoring ./scoring
COPY question_bank ./question_bank
COPY benchmarks ./benchmarks
RUN pip install --no-cache-dir . && useradd --create-home coach
USER coach
ENV COACH_DATA_DIR=/home/coach/data
EXPOSE 8501
CMD ["streamlit", "run", "app.py", "--server.address=0.0.0.0", "--server.port=8501"]
